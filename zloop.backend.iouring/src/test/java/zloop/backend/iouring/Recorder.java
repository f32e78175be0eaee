package zloop.backend.iouring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * The engine's side of one stream, for tests: records what arrives (bytes, or only their count and
 * CRC32 for big transfers), end of stream and failures, and sends through its own {@link
 * WriteQueue} the way a transport does.
 */
final class Recorder implements StreamHandler {

  final WriteQueue queue = new WriteQueue();
  final List<IOException> errors = new ArrayList<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CRC32 crc = new CRC32();
  private final boolean keep;

  /** What {@link #readBuffer()} returns: {@code null}, or a protocol's buffer. */
  ByteBuffer protocolBuffer;

  long received;
  long written;
  int eofs;
  int onDataCalls;
  int onDataIntoCalls;
  /** The most bytes one {@link #onData} carried. */
  int largestDelivery;

  /** Run after each delivery, inside it (to stop reading or close from a handler). */
  Runnable afterDelivery = () -> {};

  Recorder() {
    this(true);
  }

  /** @param keep whether to keep the bytes, or only count them and their CRC32 */
  Recorder(boolean keep) {
    this.keep = keep;
  }

  @Override
  public ByteBuffer readBuffer() {
    return protocolBuffer;
  }

  @Override
  public void onData(ByteBuffer data) {
    onDataCalls++;
    if (!data.isReadOnly()) {
      throw new AssertionError("onData got a writable buffer");
    }
    largestDelivery = Math.max(largestDelivery, data.remaining());
    byte[] b = new byte[data.remaining()];
    data.get(b);
    record(b);
    afterDelivery.run();
  }

  @Override
  public void onDataInto(int n) {
    onDataIntoCalls++;
    ByteBuffer buffer = protocolBuffer;
    byte[] b = new byte[n];
    buffer.get(buffer.position(), b);
    buffer.clear(); // consumed: the next read starts at the front again
    record(b);
    afterDelivery.run();
  }

  private void record(byte[] b) {
    received += b.length;
    crc.update(b);
    if (keep) {
      bytes.writeBytes(b);
    }
  }

  @Override
  public void onEof() {
    eofs++;
  }

  @Override
  public void onError(IOException failure) {
    errors.add(failure);
  }

  @Override
  public void onWritten(long n) {
    queue.consume(n, b -> {});
    written += n;
  }

  /** Queues {@code data} (copied into direct buffers) and asks {@code socket} to flush. */
  void send(SocketHandle socket, byte[] data) {
    send(socket, ByteBuffer.allocateDirect(data.length).put(data).flip());
  }

  /** Queues {@code buffer} as it is (heap or direct) and asks {@code socket} to flush. */
  void send(SocketHandle socket, ByteBuffer buffer) {
    queue.add(buffer);
    socket.flush(queue);
  }

  String text() {
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  long crc() {
    return crc.getValue();
  }
}
