package zloop.posix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import zloop.engine.spi.SendFile;

/**
 * A file a native backend opened for one {@code loop.sendfile} call: an {@code open(2)} descriptor
 * ({@code O_RDONLY | O_CLOEXEC}) that every chunk's {@code sendfile(2)} reads from, closed once when
 * the call ends. Opened by {@link SocketCalls#openFile}; loop thread only.
 */
public final class PosixFile implements SendFile {

  private final Path path;
  private final ErrnoCapture errno;
  private int fd;

  PosixFile(Path path, int fd, ErrnoCapture errno) {
    this.path = path;
    this.fd = fd;
    this.errno = errno;
  }

  /** The descriptor, or -1 once closed. */
  int fd() {
    return fd;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public int read(ByteBuffer target, long position) throws IOException {
    if (!target.isDirect()) {
      throw new IllegalArgumentException("a native file reads into direct buffers only");
    }
    requireOpen();
    long n =
        Libc.pread(fd, MemorySegment.ofBuffer(target), target.remaining(), position, errno);
    if (n < 0) {
      throw Errno.exception("pread " + path, (int) -n);
    }
    target.position(target.position() + (int) n);
    return (int) n;
  }

  void requireOpen() throws IOException {
    if (fd < 0) {
      throw new IOException("sendfile: " + path + " is closed");
    }
  }

  @Override
  public void close() {
    if (fd >= 0) {
      Libc.close(fd, errno); // read-only: nothing is lost if this fails
      fd = -1;
    }
  }

  @Override
  public String toString() {
    return "PosixFile[" + path + (fd < 0 ? ", closed" : ", fd=" + fd) + "]";
  }
}
