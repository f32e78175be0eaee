package zloop.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import zloop.Future;
import zloop.engine.spi.SocketHandle;

/**
 * {@code loop.sendfile}: waits for the transport's buffer to drain, then moves the file with the
 * backend's {@code sendfile} (zero copy), or, where the backend has none, copies it through the
 * transport's buffer one chunk at a time, waiting for the buffer to drain between chunks.
 */
final class Sendfile {
  private static final int COPY_CHUNK = 256 * 1024;

  private final StreamTransport transport;
  private final SocketHandle socket;
  private final Path file;
  private long position;
  private long remaining;
  private long sent;
  private final LoopFuture<Long> result;
  private FileChannel copySource;

  Sendfile(StreamTransport transport, Path file, long position, long count) {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count: " + position + ", " + count);
    }
    this.transport = transport;
    this.socket = transport.socket();
    this.file = file;
    this.position = position;
    this.remaining = count;
    this.result = new LoopFuture<>(transport.loop());
  }

  Future<Long> start() {
    if (transport.isClosing()) {
      result.tryFail(new IllegalStateException("Transport is closing"));
      return result;
    }
    try {
      long size = java.nio.file.Files.size(file);
      remaining = Math.max(0, Math.min(remaining, size - position));
    } catch (IOException e) {
      result.tryFail(e);
      return result;
    }
    transport.setSendfileActive(true);
    transport.whenDrained(this::step);
    return result;
  }

  private void step() {
    if (transport.isLost()) {
      finish(new java.net.SocketException("the connection was lost during sendfile"));
      return;
    }
    try {
      while (remaining > 0) {
        long n = socket.sendfileNow(file, position, remaining);
        if (n == SocketHandle.ASYNC_ONLY) {
          copyStep();
          return;
        }
        if (n == 0) {
          socket.awaitWritable(this::step);
          return;
        }
        position += n;
        remaining -= n;
        sent += n;
      }
      finish(null);
    } catch (IOException e) {
      transport.failFromSendfile(e);
      finish(e);
    }
  }

  /** The fallback: one chunk through the write buffer, then wait for it to drain. */
  private void copyStep() throws IOException {
    if (copySource == null) {
      copySource = FileChannel.open(file, StandardOpenOption.READ);
    }
    if (remaining == 0) {
      finish(null);
      return;
    }
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(COPY_CHUNK, remaining));
    int n = copySource.read(chunk, position);
    if (n <= 0) {
      finish(null); // the file shrank: report what was sent
      return;
    }
    chunk.flip();
    position += n;
    remaining -= n;
    sent += n;
    transport.writeInternal(chunk);
    transport.whenDrained(
        () -> {
          if (transport.isLost()) {
            finish(new java.net.SocketException("the connection was lost during sendfile"));
            return;
          }
          try {
            copyStep();
          } catch (IOException e) {
            transport.failFromSendfile(e);
            finish(e);
          }
        });
  }

  private void finish(IOException failure) {
    if (copySource != null) {
      try {
        copySource.close();
      } catch (IOException e) {
        // read-only file: nothing was lost
      }
    }
    transport.setSendfileActive(false);
    if (failure != null) {
      result.tryFail(failure);
    } else {
      result.tryComplete(sent);
    }
  }
}
