package zloop.engine.stream;

import java.util.Arrays;
import zloop.Future;
import zloop.IncompleteReadException;
import zloop.LimitOverrunException;
import zloop.StreamReader;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/**
 * asyncio's {@code StreamReader} on futures: a byte buffer fed by the protocol, and at most one
 * pending read, retried whenever data or the end of the stream arrives. Loop thread only.
 */
final class LoopStreamReader implements StreamReader {
  private static final byte[] NEWLINE = {'\n'}; // never modified
  private final Loop loop;
  private final int limit;
  private byte[] buf = new byte[1024];
  private int start; // first buffered byte
  private int end; // after the last buffered byte
  private boolean eof;
  private Throwable exception;
  private Transport transport;
  private boolean paused;
  private PendingRead pending;

  /** A read waiting for data: {@link #attempt} completes it or returns false to keep waiting. */
  private abstract static class PendingRead {
    final LoopFuture<byte[]> future;

    PendingRead(LoopFuture<byte[]> future) {
      this.future = future;
    }

    abstract boolean attempt();
  }

  LoopStreamReader(Loop loop, int limit) {
    this.loop = loop;
    this.limit = limit;
  }

  void setTransport(Transport t) {
    transport = t;
  }

  // ---------------------------------------------------------------- feeding (protocol side)

  void feedData(java.nio.ByteBuffer data) {
    int n = data.remaining();
    if (n == 0) {
      return;
    }
    ensureRoom(n);
    data.get(buf, end, n);
    end += n;
    wake();
    // A read still waiting needs more than is buffered: pausing now would starve it for good
    // (asyncio pauses, then resumes the moment the reader waits again; same outcome).
    if (transport != null && !paused && size() > 2L * limit && !waiting()) {
      try {
        transport.pauseReading();
        paused = true;
      } catch (UnsupportedOperationException e) {
        transport = null; // a transport that cannot pause: buffer without limit, as asyncio does
      }
    }
  }

  void feedEof() {
    eof = true;
    wake();
  }

  void setException(Throwable t) {
    exception = t;
    PendingRead p = pending;
    if (p != null) {
      pending = null;
      p.future.tryFail(t);
    }
  }

  private boolean waiting() {
    return pending != null && !pending.future.isDone();
  }

  private void wake() {
    PendingRead p = pending;
    if (p != null && (p.future.isDone() || p.attempt())) {
      pending = null;
    }
  }

  private void maybeResumeTransport() {
    if (paused && size() <= limit) {
      paused = false;
      transport.resumeReading();
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<byte[]> read(int n) {
    if (n < 0) {
      return submit(
          new PendingRead(new LoopFuture<>(loop)) {
            // Moved out of the reader's buffer as it arrives, so the transport is never paused.
            private final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();

            @Override
            boolean attempt() {
              all.writeBytes(take(size()));
              if (!eof) {
                return false;
              }
              future.tryComplete(all.toByteArray());
              return true;
            }
          });
    }
    return submit(
        new PendingRead(new LoopFuture<>(loop)) {
          @Override
          boolean attempt() {
            if (n == 0) {
              future.tryComplete(new byte[0]);
              return true;
            }
            if (size() == 0 && !eof) {
              return false;
            }
            future.tryComplete(take(Math.min(n, size())));
            return true;
          }
        });
  }

  @Override
  public Future<byte[]> readExactly(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("readexactly size can not be less than zero");
    }
    return submit(
        new PendingRead(new LoopFuture<>(loop)) {
          @Override
          boolean attempt() {
            if (size() >= n) {
              future.tryComplete(take(n));
              return true;
            }
            if (eof) {
              future.tryFail(new IncompleteReadException(take(size()), n));
              return true;
            }
            return false;
          }
        });
  }

  @Override
  public Future<byte[]> readUntil(byte[] separator) {
    if (separator.length == 0) {
      throw new IllegalArgumentException("Separator should be at least one-byte string");
    }
    return submit(new UntilRead(separator.clone(), false));
  }

  /**
   * One pending read, not {@code readuntil} plus a callback: a cancelled readline must leave no
   * inner read behind to swallow the next line.
   */
  @Override
  public Future<byte[]> readLine() {
    return submit(new UntilRead(NEWLINE, true));
  }

  /** {@code readuntil}, and in line mode {@code readline}'s handling of EOF and overruns. */
  private final class UntilRead extends PendingRead {
    private final byte[] sep;
    private final boolean line;
    private int searchFrom;

    UntilRead(byte[] sep, boolean line) {
      super(new LoopFuture<>(loop));
      this.sep = sep;
      this.line = line;
    }

    @Override
    boolean attempt() {
      int at = indexOf(sep, searchFrom);
      if (at >= 0) {
        if (at > limit) {
          overrun("Separator is found, but chunk is longer than limit", at);
          return true;
        }
        future.tryComplete(take(at + sep.length));
        return true;
      }
      searchFrom = Math.max(0, size() + 1 - sep.length);
      if (searchFrom > limit) {
        overrun("Separator is not found, and chunk exceed the limit", searchFrom);
        return true;
      }
      if (eof) {
        byte[] partial = take(size());
        if (line) {
          future.tryComplete(partial);
        } else {
          future.tryFail(new IncompleteReadException(partial, -1));
        }
        return true;
      }
      return false;
    }

    private void overrun(String message, int consumed) {
      if (line) {
        // asyncio drops the oversized line (through its separator, if seen) and raises.
        if (consumed < size() && buf[start + consumed] == '\n') {
          take(consumed + 1);
        } else {
          take(size());
        }
      }
      future.tryFail(new LimitOverrunException(message, consumed));
    }
  }

  private Future<byte[]> submit(PendingRead read) {
    loop.checkThread();
    if (pending != null && !pending.future.isDone()) {
      throw new IllegalStateException(
          "a read is already waiting for incoming data on this stream");
    }
    if (exception != null) {
      read.future.tryFail(exception);
      return read.future;
    }
    if (!read.attempt()) {
      pending = read;
      if (paused) {
        // Waiting for data with reading paused would wait forever: readExactly(n) and readuntil
        // may need more than the 2 x limit the reader buffers before pausing.
        paused = false;
        transport.resumeReading();
      }
    }
    return read.future;
  }

  @Override
  public boolean atEof() {
    return eof && size() == 0;
  }

  @Override
  public Throwable exception() {
    return exception;
  }

  // ---------------------------------------------------------------- buffer

  private int size() {
    return end - start;
  }

  private byte[] take(int n) {
    byte[] out = Arrays.copyOfRange(buf, start, start + n);
    start += n;
    if (start == end) {
      start = 0;
      end = 0;
    }
    maybeResumeTransport();
    return out;
  }

  private int indexOf(byte[] sep, int from) {
    outer:
    for (int i = start + from; i + sep.length <= end; i++) {
      for (int k = 0; k < sep.length; k++) {
        if (buf[i + k] != sep[k]) {
          continue outer;
        }
      }
      return i - start;
    }
    return -1;
  }

  private void ensureRoom(int n) {
    if (end + n <= buf.length) {
      return;
    }
    int size = size();
    if (size + n <= buf.length / 2) {
      System.arraycopy(buf, start, buf, 0, size); // compact
    } else {
      byte[] bigger = new byte[Math.max(buf.length * 2, size + n)];
      System.arraycopy(buf, start, bigger, 0, size);
      buf = bigger;
    }
    start = 0;
    end = size;
  }
}
