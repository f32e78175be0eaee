package zloop.tests.net;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Transport;

/**
 * A protocol that records everything its transport tells it: bytes (count, CRC32, and a copy up
 * to {@link #keepLimit}), and each event as a future or a counter. Works as a client or a server.
 * {@link Recorder.Plain} receives through {@code dataReceived}, {@link Recorder.Buffered} through
 * {@code getBuffer}/{@code bufferUpdated}. Its methods implement {@link BaseProtocol}'s for both
 * subclasses: the class itself cannot implement that sealed interface, only its two kinds.
 */
abstract class Recorder {
  final EventLoop loop;
  Transport transport;
  final CRC32 crc = new CRC32();
  long received;
  final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  int keepLimit = 1 << 20;
  /** {@link #gotAll} completes when {@link #received} reaches it; set with {@link #expect(long)}. */
  private long expect = Long.MAX_VALUE;
  /** Futures waiting for {@link #received} to reach a count. */
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(long count, Future<Long> future) {}

  final Future<Transport> made;
  final Future<Long> gotAll;
  final Future<Void> eof;
  /** Completes with connectionLost's argument (null for a clean close). */
  final Future<Throwable> lost;

  int madeCalls;
  int eofCalls;
  int lostCalls;
  int pauseWritingCalls;
  int resumeWritingCalls;
  int dataCalls;
  /** What eofReceived returns: true keeps the connection half-open. */
  boolean keepOpenOnEof;
  /** Close the transport as soon as {@link #expect} bytes arrived. */
  boolean closeWhenDone;
  /** Events in order, for tests about ordering. */
  final List<String> events = new ArrayList<>();

  Recorder(EventLoop loop) {
    this.loop = loop;
    this.made = loop.createFuture();
    this.gotAll = loop.createFuture();
    this.eof = loop.createFuture();
    this.lost = loop.createFuture();
  }

  /**
   * Sets how many bytes in all {@link #gotAll} waits for; completes it at once if they are here
   * already (bytes may arrive before a test gets to say how many it expects).
   */
  void expect(long total) {
    expect = total;
    onData();
  }

  /** A future completing once {@link #received} reaches {@code count} (at once if it has). */
  Future<Long> receivedAtLeast(long count) {
    Future<Long> f = loop.createFuture();
    if (received >= count) {
      f.setResult(received);
    } else {
      waiters.add(new Waiter(count, f));
    }
    return f;
  }

  /** This recorder as the protocol it is ({@link Plain} or {@link Buffered}). */
  BaseProtocol protocol() {
    return (BaseProtocol) this;
  }

  byte[] bytes() {
    return kept.toByteArray();
  }

  public void connectionMade(Transport t) {
    madeCalls++;
    events.add("made");
    transport = t;
    if (!made.isDone()) {
      made.setResult(t);
    }
  }

  /** Records bytes that arrived. */
  void record(ByteBuffer data) {
    dataCalls++;
    if (events.isEmpty() || !events.get(events.size() - 1).equals("data")) {
      events.add("data");
    }
    int n = data.remaining();
    if (kept.size() < keepLimit) {
      int take = Math.min(n, keepLimit - kept.size());
      byte[] copy = new byte[take];
      data.duplicate().get(copy);
      kept.write(copy, 0, take);
    }
    crc.update(data);
    received += n;
    onData();
  }

  void onData() {
    for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (received >= w.count()) {
        it.remove();
        if (!w.future().isDone()) {
          w.future().setResult(received);
        }
      }
    }
    if (received >= expect && !gotAll.isDone()) {
      gotAll.setResult(received);
      if (closeWhenDone) {
        transport.close();
      }
    }
  }

  /** Protocol's and BufferedProtocol's eofReceived: this class method implements both. */
  public boolean eofReceived() {
    eofCalls++;
    events.add("eof");
    if (!eof.isDone()) {
      eof.setResult(null);
    }
    return keepOpenOnEof;
  }

  public void connectionLost(Throwable exception) {
    lostCalls++;
    events.add("lost");
    if (!lost.isDone()) {
      lost.setResult(exception);
    }
  }

  public void pauseWriting() {
    pauseWritingCalls++;
  }

  public void resumeWriting() {
    resumeWritingCalls++;
  }

  long crcValue() {
    return crc.getValue();
  }

  /** A recorder receiving through dataReceived. */
  static class Plain extends Recorder implements Protocol {
    /** dataReceived calls whose buffer was writable (the contract says read-only view). */
    int writableViews;

    Plain(EventLoop loop) {
      super(loop);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      if (!data.isReadOnly()) {
        writableViews++;
      }
      record(data);
    }
  }

  /** A recorder receiving through getBuffer/bufferUpdated. */
  static class Buffered extends Recorder implements BufferedProtocol {
    private final ByteBuffer buffer;

    Buffered(EventLoop loop) {
      this(loop, 32 * 1024);
    }

    /** With a buffer of the given capacity (tiny ones make the loop read in many small steps). */
    Buffered(EventLoop loop, int capacity) {
      super(loop);
      buffer = ByteBuffer.allocateDirect(capacity);
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      record(buffer.slice(0, nbytes));
    }
  }
}
