package zloop.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import zloop.engine.spi.Backend;
import zloop.engine.spi.PipeHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * One end of a pipe as a stream handle, so the engine's stream transport runs over it unchanged
 * (buffering, watermarks, close and {@code connectionLost} as on sockets). It works on every
 * native backend alike, because it asks the backend only to watch its descriptor ({@link
 * Backend#watchFd}, level-triggered on each of them) and makes the reads and writes itself with
 * {@code read(2)}/{@code write(2)} ({@code recv}/{@code send} refuse a pipe).
 *
 * <p>A read end watches for readability while reading. A write end always watches for
 * readability too, which a write end only reports as an error: the reader went away (asyncio's
 * {@code _UnixWritePipeTransport} does the same). With bytes queued that is a broken pipe ({@link
 * StreamHandler#onError}); with none it is the pipe's end ({@link StreamHandler#onEof}), as asyncio
 * closes without an error then.
 *
 * <p>Loop thread only. Handlers are called only from the backend's dispatch of the watch (inside
 * {@code poll}), never from one of these methods, and never after {@link #close()}.
 */
final class PosixPipe implements PipeHandle, Backend.FdHandler {

  private final PosixProcesses owner;
  private final PipeIo io;
  private final int fd;
  private final boolean forWriting;

  private boolean open = true;
  /** The write end's descriptor was closed by {@link #shutdownOutput} (the handle stays open). */
  private boolean descriptorClosed;
  private boolean failed;
  private int watching;
  private StreamHandler stream;
  private boolean reading;
  private boolean eof;
  private WriteQueue flushing;
  private Runnable whenWritable;

  PosixPipe(PosixProcesses owner, PipeIo io, int fd, boolean forWriting) {
    this.owner = owner;
    this.io = io;
    this.fd = fd;
    this.forWriting = forWriting;
  }

  /** A write end starts watching for its reader's end at once; a read end when reading starts. */
  void start() {
    interestChanged();
  }

  // ------------------------------------------------------------------ watching

  private int interest() {
    if (!open || descriptorClosed || failed) {
      return 0;
    }
    if (!forWriting) {
      return reading && !eof ? Backend.READABLE : 0;
    }
    return Backend.READABLE | (flushing != null || whenWritable != null ? Backend.WRITABLE : 0);
  }

  private void interestChanged() {
    int next = interest();
    if (next != watching) {
      watching = next;
      owner.backend().watchFd(fd, next, this);
    }
  }

  @Override
  public void onReady(int readyFd, int readyBits) {
    if (!open || failed) {
      return;
    }
    try {
      if (!forWriting) {
        if (reading && !eof) {
          readOnce();
        }
        return;
      }
      if ((readyBits & Backend.READABLE) != 0) {
        readerGone();
        return;
      }
      if (flushing != null) {
        flushOnce();
      }
      if (open && !failed && whenWritable != null && (readyBits & Backend.WRITABLE) != 0) {
        Runnable r = whenWritable;
        whenWritable = null;
        r.run();
      }
    } finally {
      if (open) {
        interestChanged();
      }
    }
  }

  /** A write end's reader closed: a broken pipe if bytes wait, the end of the pipe if none. */
  private void readerGone() {
    failed = true;
    if (flushing != null && !flushing.isEmpty()) {
      stream.onError(Errno.exception("write", Errno.EPIPE));
    } else if (stream != null) {
      stream.onEof();
    }
  }

  private void fail(IOException e) {
    failed = true;
    if (stream != null) {
      stream.onError(e);
    }
  }

  // ------------------------------------------------------------------ reading

  @Override
  public void setStreamHandler(StreamHandler handler) {
    this.stream = handler;
  }

  @Override
  public void startReading() {
    if (!open || eof || reading || forWriting) {
      return;
    }
    if (stream == null) {
      throw new IllegalStateException("setStreamHandler before startReading");
    }
    reading = true;
    interestChanged();
  }

  @Override
  public void stopReading() {
    if (reading) {
      reading = false;
      interestChanged();
    }
  }

  private void readOnce() {
    ByteBuffer target = stream.readBuffer();
    if (!open || !reading) {
      return;
    }
    if (target != null && !target.hasRemaining()) {
      fail(new IOException("the protocol's read buffer has no room"));
      return;
    }
    long n = target == null ? io.read(fd) : io.readInto(fd, target);
    if (n > 0) {
      if (target == null) {
        stream.onData(io.received((int) n));
      } else {
        stream.onDataInto((int) n);
      }
    } else if (n == 0) {
      eof = true;
      reading = false;
      stream.onEof();
    } else if (n != -Errno.EAGAIN) {
      fail(Errno.exception("read", (int) -n));
    }
  }

  // ------------------------------------------------------------------ writing

  private void requireWritable() throws IOException {
    if (!forWriting) {
      throw new IOException("the read end of a pipe cannot be written to");
    }
    if (!open || descriptorClosed) {
      throw new IOException("the pipe is closed");
    }
  }

  @Override
  public long writeNow(ByteBuffer[] data, int offset, int count) throws IOException {
    requireWritable();
    if (failed || (flushing != null && !flushing.isEmpty())) {
      return 0;
    }
    long total = 0;
    for (int i = offset; i < offset + count; i++) {
      ByteBuffer b = data[i];
      while (b.hasRemaining()) {
        long n = io.write(fd, b);
        if (n == -Errno.EAGAIN) {
          return total;
        }
        if (n < 0) {
          throw Errno.exception("write", (int) -n);
        }
        b.position(b.position() + (int) n);
        total += n;
        if (n == 0) {
          return total;
        }
      }
    }
    return total;
  }

  @Override
  public void flush(WriteQueue queue) {
    if (!open || descriptorClosed || queue.isEmpty()) {
      return;
    }
    flushing = queue;
    interestChanged();
  }

  /** One {@code write} from the head of the queue; the engine consumes in {@code onWritten}. */
  private void flushOnce() {
    WriteQueue queue = flushing;
    if (queue.isEmpty()) {
      flushing = null;
      return;
    }
    long n = io.write(fd, queue.buffers()[0]);
    if (n > 0) {
      stream.onWritten(n);
    } else if (n < 0 && n != -Errno.EAGAIN) {
      fail(Errno.exception("write", (int) -n));
      return;
    }
    if (flushing != null && flushing.isEmpty()) {
      flushing = null;
    }
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (!open || descriptorClosed) {
      return;
    }
    this.whenWritable = Objects.requireNonNull(whenWritable, "whenWritable");
    interestChanged();
  }

  /** The end of a pipe is its writer's close: the descriptor closes now, the handle stays. */
  @Override
  public void shutdownOutput() throws IOException {
    requireWritable();
    closeDescriptor();
  }


  // ------------------------------------------------------------------ the descriptor

  /** The descriptor number, also after close (the engine forgets its transport by it). */
  @Override
  public int fd() {
    return fd;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    closeDescriptor();
    open = false;
    stream = null;
    flushing = null;
    whenWritable = null;
    reading = false;
    owner.forget(this);
  }

  /** The backend closes (its watches go with it): only the descriptor is closed. */
  void closeWithBackend() {
    open = false;
    watching = 0;
    if (!descriptorClosed) {
      descriptorClosed = true;
      Libc.close(fd, io.errno());
    }
  }

  private void closeDescriptor() {
    if (descriptorClosed) {
      return;
    }
    if (watching != 0) {
      watching = 0;
      owner.backend().watchFd(fd, 0, this);
    }
    descriptorClosed = true;
    int r = Libc.close(fd, io.errno());
    if (r < 0) {
      owner.reportError("closing pipe " + fd + " failed", Errno.exception("close", -r));
    }
  }

  @Override
  public String toString() {
    return "PosixPipe[fd=" + fd + (forWriting ? ", write end" : ", read end") + (open ? "" : ", closed") + "]";
  }
}
