package zloop.engine.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A file opened once for one {@code loop.sendfile} call ({@link Backend#openFileForSending}), read
 * by every chunk of it and closed when the call ends, however it ends (sent, failed, cancelled, the
 * transport closed). A backend's {@link SocketHandle#sendfileNow} takes only the files its own
 * {@link Backend#openFileForSending} opened.
 *
 * <p>Loop thread only.
 */
public interface SendFile extends AutoCloseable {

  /** The file's path, for messages. */
  Path path();

  /**
   * Reads up to {@code target.remaining()} bytes at {@code position} into {@code target} (which
   * must be direct), advancing its position: the count read, 0 at or past the end. The engine's
   * copy fallback uses it when {@link SocketHandle#sendfileNow} answers {@link
   * SocketHandle#ASYNC_ONLY}.
   */
  int read(ByteBuffer target, long position) throws IOException;

  /** Closes the file. Idempotent; a read-only file loses nothing if closing fails. */
  @Override
  void close();
}
