package zloop.tests.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Transport;

/**
 * A protocol that keeps what its transport tells it, as futures a test can wait on: the
 * transport once connected, the bytes received, end of stream, and the loss of the connection.
 */
class Wire implements Protocol {
  final Future<Transport> made;
  final Future<Void> eof;
  /** Completes with connectionLost's argument (null for a clean close). */
  final Future<Throwable> lost;
  final ByteArrayOutputStream received = new ByteArrayOutputStream();
  Transport transport;
  int lostCalls;
  int pauseWritingCalls;
  int resumeWritingCalls;
  /** What eofReceived answers: true keeps the connection half-open. */
  boolean keepOpenOnEof;
  /** Pause reading as soon as the connection is made. */
  boolean pauseOnConnect;
  private final EventLoop loop;
  private long expected = -1;
  private Future<byte[]> gotExpected;

  Wire(EventLoop loop) {
    this.loop = loop;
    this.made = loop.createFuture();
    this.eof = loop.createFuture();
    this.lost = loop.createFuture();
  }

  /** A future that completes with everything received once {@code count} bytes are in. */
  Future<byte[]> expect(long count) {
    expected = count;
    gotExpected = loop.createFuture();
    check();
    return gotExpected;
  }

  private void check() {
    if (gotExpected != null && !gotExpected.isDone() && received.size() >= expected) {
      gotExpected.setResult(received.toByteArray());
    }
  }

  @Override
  public void connectionMade(Transport transport) {
    this.transport = transport;
    if (pauseOnConnect) {
      transport.pauseReading();
    }
    made.setResult(transport);
  }

  @Override
  public void dataReceived(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.get(copy);
    received.writeBytes(copy);
    check();
  }

  @Override
  public boolean eofReceived() {
    if (!eof.isDone()) {
      eof.setResult(null);
    }
    return keepOpenOnEof;
  }

  @Override
  public void connectionLost(Throwable exception) {
    lostCalls++;
    if (!lost.isDone()) {
      lost.setResult(exception);
    }
  }

  @Override
  public void pauseWriting() {
    pauseWritingCalls++;
  }

  @Override
  public void resumeWriting() {
    resumeWritingCalls++;
  }
}
