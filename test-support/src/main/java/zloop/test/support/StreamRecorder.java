package zloop.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * (bytes, their checksum, end of stream, failures, every call) and writes as a transport does
 * ({@code writeNow} first, the rest queued and flushed, consumed in {@code onWritten}). Any call
 * after its socket closed fails the test: handlers never hear of a closed socket.
 */
public final class StreamRecorder implements StreamHandler {

  /** Reads into a protocol buffer start here, to catch a backend writing at index 0. */
  private static final int TARGET_OFFSET = 7;

  public final SocketHandle socket;
  public final WriteQueue queue = new WriteQueue();
  public final CRC32 crc = new CRC32();
  public final List<IOException> errors = new ArrayList<>();
  public final List<String> calls = new ArrayList<>();
  public long received;
  public long written;
  public int eofs;

  /** Runs after each delivery with the bytes delivered, e.g. to echo them or to stop reading. */
  public Consumer<ByteBuffer> onData = b -> {};

  private final ByteBuffer target;
  private final ByteArrayOutputStream kept;

  private StreamRecorder(SocketHandle socket, ByteBuffer target, boolean keepBytes) {
    this.socket = socket;
    this.target = target;
    this.kept = keepBytes ? new ByteArrayOutputStream() : null;
    socket.setStreamHandler(this);
  }

  /** Reads into the backend's own buffer and keeps the bytes. */
  public static StreamRecorder of(SocketHandle socket) {
    return new StreamRecorder(socket, null, true);
  }

  /** Reads into the backend's own buffer and keeps only a count and a checksum. */
  public static StreamRecorder counting(SocketHandle socket) {
    return new StreamRecorder(socket, null, false);
  }

  /**
   * Reads into {@code buffer}, a protocol's buffer (heap or direct), from index 7 to its capacity;
   * keeps the bytes only if {@code keepBytes}.
   */
  public static StreamRecorder readingInto(
      SocketHandle socket, ByteBuffer buffer, boolean keepBytes) {
    assertTrue(buffer.capacity() > TARGET_OFFSET, "room after the offset");
    return new StreamRecorder(socket, buffer, keepBytes);
  }

  /** The bytes received (when kept). */
  public byte[] bytes() {
    return kept.toByteArray();
  }

  public String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }

  private void called(String call) {
    if (!socket.isOpen()) {
      fail(call + " for a closed socket");
    }
    calls.add(call);
  }

  // ------------------------------------------------------------------ StreamHandler

  @Override
  public ByteBuffer readBuffer() {
    called("readBuffer");
    return target == null ? null : target.clear().position(TARGET_OFFSET);
  }

  @Override
  public void onData(ByteBuffer data) {
    called("onData");
    assertTrue(data.isReadOnly(), "the backend's view must be read-only");
    assertTrue(data.hasRemaining(), "onData without bytes");
    delivered(data.duplicate());
  }

  @Override
  public void onDataInto(int n) {
    called("onDataInto");
    assertTrue(target != null, "onDataInto, but readBuffer() lent no buffer");
    assertTrue(n > 0 && n <= target.capacity() - TARGET_OFFSET, "n = " + n);
    assertEquals(TARGET_OFFSET, target.position(), "the backend must not move the position");
    delivered(target.duplicate().position(TARGET_OFFSET).limit(TARGET_OFFSET + n));
  }

  private void delivered(ByteBuffer bytes) {
    received += bytes.remaining();
    crc.update(bytes.duplicate());
    if (kept != null) {
      byte[] copy = new byte[bytes.remaining()];
      bytes.duplicate().get(copy);
      kept.writeBytes(copy);
    }
    onData.accept(bytes.asReadOnlyBuffer());
  }

  @Override
  public void onEof() {
    called("onEof");
    eofs++;
  }

  @Override
  public void onError(IOException failure) {
    called("onError");
    errors.add(failure);
  }

  @Override
  public void onWritten(long n) {
    called("onWritten");
    assertTrue(n > 0 && n <= queue.size(), "onWritten(" + n + ") of " + queue.size() + " queued");
    written += n;
    queue.consume(n, b -> {});
  }

  // ------------------------------------------------------------------ writing, as a transport

  public void write(String text) {
    write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Writes {@code buffers} as a transport does: what {@code writeNow} takes at once (only while
   * nothing is queued), then the rest queued as it is (the test owns the buffers) and flushed.
   */
  public void write(ByteBuffer... buffers) {
    if (queue.isEmpty()) {
      try {
        long n = socket.writeNow(buffers, 0, buffers.length);
        if (n != SocketHandle.ASYNC_ONLY) {
          written += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (ByteBuffer b : buffers) {
      queue.add(b); // skips the ones writeNow emptied
    }
    if (!queue.isEmpty()) {
      socket.flush(queue);
    }
  }
}
