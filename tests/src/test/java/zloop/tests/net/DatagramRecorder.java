package zloop.tests.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import zloop.DatagramProtocol;
import zloop.DatagramTransport;
import zloop.EventLoop;
import zloop.Future;

/**
 * A datagram protocol that records what its transport tells it: each datagram (a copy, with its
 * sender), each error, and the calls as counters and futures. Optionally echoes every datagram to
 * its sender.
 */
class DatagramRecorder implements DatagramProtocol {
  record Received(byte[] data, SocketAddress from) {}

  final EventLoop loop;
  DatagramTransport transport;
  final List<Received> datagrams = new ArrayList<>();
  final List<IOException> errors = new ArrayList<>();
  final Future<DatagramTransport> made;
  /** Completes with connectionLost's argument (null for a clean close). */
  final Future<Throwable> lost;
  final List<String> events = new ArrayList<>();
  boolean echo;
  /** Keep copies of the datagrams (off for the long runs, which only count). */
  boolean keep = true;
  long count;
  int madeCalls;
  int lostCalls;
  int pauseCalls;
  int resumeCalls;
  private long expect = Long.MAX_VALUE;
  private Future<Long> gotAll;
  private Future<IOException> firstError;

  DatagramRecorder(EventLoop loop) {
    this.loop = loop;
    this.made = loop.createFuture();
    this.lost = loop.createFuture();
  }

  /** A future completing once {@code n} datagrams in all have arrived. */
  Future<Long> expect(long n) {
    expect = n;
    gotAll = loop.createFuture();
    check();
    return gotAll;
  }

  /** A future completing with the next error reported (at once if one was already). */
  Future<IOException> nextError() {
    firstError = loop.createFuture();
    if (!errors.isEmpty()) {
      firstError.setResult(errors.get(errors.size() - 1));
    }
    return firstError;
  }

  private void check() {
    if (gotAll != null && !gotAll.isDone() && count >= expect) {
      gotAll.setResult(count);
    }
  }

  @Override
  public void connectionMade(DatagramTransport t) {
    madeCalls++;
    transport = t;
    events.add("made");
    made.setResult(t);
  }

  @Override
  public void datagramReceived(ByteBuffer data, SocketAddress address) {
    count++;
    if (echo) {
      transport.sendTo(data.duplicate(), address);
    }
    if (keep) {
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      datagrams.add(new Received(copy, address));
    }
    onDatagram(data, address);
    check();
  }

  /** For subclasses: every datagram, before the count is checked. */
  void onDatagram(ByteBuffer data, SocketAddress address) {}

  @Override
  public void errorReceived(IOException exception) {
    errors.add(exception);
    events.add("error");
    if (firstError != null && !firstError.isDone()) {
      firstError.setResult(exception);
    }
  }

  @Override
  public void connectionLost(Throwable exception) {
    lostCalls++;
    events.add("lost");
    lost.setResult(exception);
  }

  @Override
  public void pauseWriting() {
    pauseCalls++;
    events.add("pause");
  }

  @Override
  public void resumeWriting() {
    resumeCalls++;
    events.add("resume");
  }
}
