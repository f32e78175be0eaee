package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * One end of a stream in a test, playing the engine's part: records what the backend reports
 * (bytes, their checksum, end of stream, errors, every call) and writes as a transport does ({@code
 * writeNow} first, the rest queued and flushed, consumed in {@code onWritten}).
 */
final class Peer implements StreamHandler {

  /** Where reads go: the backend's own buffer, or a direct or heap buffer of the "protocol". */
  enum ReadMode {
    OWN_BUFFER,
    DIRECT,
    HEAP
  }

  /** The protocol buffer's reads start here, to catch a backend writing at index 0. */
  private static final int TARGET_OFFSET = 7;

  final SocketHandle socket;
  private final ByteBuffer target;
  private final ByteArrayOutputStream kept;
  final CRC32 crc = new CRC32();
  long received;
  int eofs;
  IOException error;
  long written;
  final WriteQueue queue = new WriteQueue();
  final List<String> calls = new ArrayList<>();

  /** Runs on each {@code onData} with the backend's view, e.g. to echo it. */
  Consumer<ByteBuffer> onData = b -> {};

  Peer(SocketHandle socket, ReadMode mode, boolean keepBytes) {
    this.socket = socket;
    this.target =
        switch (mode) {
          case OWN_BUFFER -> null;
          case DIRECT -> ByteBuffer.allocateDirect(64 * 1024);
          case HEAP -> ByteBuffer.allocate(64 * 1024);
        };
    this.kept = keepBytes ? new ByteArrayOutputStream() : null;
    socket.setStreamHandler(this);
  }

  Peer(SocketHandle socket) {
    this(socket, ReadMode.OWN_BUFFER, true);
  }

  byte[] bytes() {
    return kept.toByteArray();
  }

  String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ StreamHandler

  @Override
  public ByteBuffer readBuffer() {
    calls.add("readBuffer");
    if (target == null) {
      return null;
    }
    return target.clear().position(TARGET_OFFSET);
  }

  @Override
  public void onData(ByteBuffer data) {
    calls.add("onData");
    assertTrue(data.isReadOnly(), "the backend's view must be read-only");
    assertTrue(data.hasRemaining(), "onData without bytes");
    record(data.duplicate());
    onData.accept(data);
  }

  @Override
  public void onDataInto(int n) {
    calls.add("onDataInto");
    assertTrue(n > 0 && n <= target.capacity() - TARGET_OFFSET, "n = " + n);
    assertTrue(target.position() == TARGET_OFFSET, "the backend must not move the position");
    record(target.duplicate().position(TARGET_OFFSET).limit(TARGET_OFFSET + n));
  }

  private void record(ByteBuffer bytes) {
    received += bytes.remaining();
    if (kept != null) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      kept.writeBytes(copy);
    }
    crc.update(bytes);
  }

  @Override
  public void onEof() {
    calls.add("onEof");
    eofs++;
  }

  @Override
  public void onError(IOException failure) {
    calls.add("onError");
    assertFalse(error != null, "a second error: " + failure);
    error = failure;
  }

  @Override
  public void onWritten(long n) {
    calls.add("onWritten");
    assertTrue(n > 0 && n <= queue.size(), "onWritten(" + n + ") of " + queue.size());
    written += n;
    queue.consume(n, b -> {});
  }

  // ------------------------------------------------------------------ writing, as a transport

  void write(String text) {
    write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends now what the kernel takes, copies the rest into the queue and flushes it. */
  void write(ByteBuffer data) {
    long n = writeNow(new ByteBuffer[] {data});
    written += n;
    if (data.hasRemaining()) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
      queue.add(copy);
      socket.flush(queue);
    }
  }

  /** Sends {@code buffers} (owned by the test, so queued without copying). */
  void writeAll(ByteBuffer[] buffers) {
    if (queue.isEmpty()) {
      written += writeNow(buffers);
    }
    for (ByteBuffer b : buffers) {
      queue.add(b);
    }
    if (!queue.isEmpty()) {
      socket.flush(queue);
    }
  }

  private long writeNow(ByteBuffer[] buffers) {
    if (!queue.isEmpty()) {
      return 0;
    }
    try {
      return socket.writeNow(buffers, 0, buffers.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
