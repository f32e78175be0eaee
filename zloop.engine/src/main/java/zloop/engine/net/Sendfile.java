package zloop.engine.net;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import zloop.Future;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.task.LoopFuture;

/**
 * {@code loop.sendfile}: waits for the transport's buffer to drain, then moves the file with the
 * backend's {@code sendfile} (zero copy), or, where the backend has none, copies it through the
 * transport's buffer one chunk at a time, waiting for the buffer to drain between chunks.
 *
 * <p>The file is opened once per call ({@link zloop.engine.spi.Backend#openFileForSending}), used
 * by every chunk, and closed when the call ends, however it ends: sent, failed, cancelled (the
 * rest of the file is not sent), or the transport closed while the socket was full (the future
 * then fails with a {@link SocketException}).
 */
final class Sendfile {
  private static final int COPY_CHUNK = 256 * 1024;

  private final StreamTransport transport;
  private final SocketHandle socket;
  private final Path path;
  private final LoopFuture<Long> result;
  private final Runnable step = this::step;
  private long position;
  private long remaining;
  private long sent;
  private SendFile file; // open from start() until the call ends
  private ByteBuffer copyChunk; // the copy fallback's, one per call

  Sendfile(StreamTransport transport, Path file, long position, long count) {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count: " + position + ", " + count);
    }
    this.transport = transport;
    this.socket = transport.socket();
    this.path = file;
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
      long size = Files.size(path);
      remaining = Math.max(0, Math.min(remaining, size - position));
      file = transport.loop().backend().openFileForSending(path);
    } catch (IOException e) {
      result.tryFail(e);
      return result;
    }
    result.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            end(); // the rest is not sent: the next write follows what the kernel took
          }
        });
    transport.setSendfileActive(true);
    transport.whenDrained(step);
    return result;
  }

  private void step() {
    if (file == null) {
      return; // ended already (cancelled): a late wake-up
    }
    if (transport.isLost()) {
      finish(new SocketException("the connection was lost during sendfile"));
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
          socket.awaitWritable(step);
          transport.whenLost(step); // a close drops the socket's wake-up: learn of it here
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
    if (remaining == 0) {
      finish(null);
      return;
    }
    if (copyChunk == null) {
      copyChunk = ByteBuffer.allocateDirect((int) Math.min(COPY_CHUNK, remaining));
    }
    // The transport copies what it is given, so the chunk is free again at once.
    copyChunk.clear().limit((int) Math.min(copyChunk.capacity(), remaining));
    int n = file.read(copyChunk, position);
    if (n <= 0) {
      finish(null); // the file shrank: report what was sent
      return;
    }
    copyChunk.flip();
    position += n;
    remaining -= n;
    sent += n;
    transport.writeInternal(copyChunk);
    transport.whenDrained(
        () -> {
          if (file == null) {
            return;
          }
          if (transport.isLost()) {
            finish(new SocketException("the connection was lost during sendfile"));
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
    end();
    if (failure != null) {
      result.tryFail(failure);
    } else {
      result.tryComplete(sent);
    }
  }

  /** Closes the file and gives the socket back to the transport's writes. Idempotent. */
  private void end() {
    if (file == null) {
      return;
    }
    file.close();
    file = null;
    transport.whenLost(null);
    transport.setSendfileActive(false);
  }
}
