package zloop.engine.stream;

import java.nio.ByteBuffer;
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
 *
 * <p>Arriving bytes go to a waiting read first: when nothing is buffered, a read that can take
 * them ({@link PendingRead#takeFrom}) copies them once, from the transport's buffer straight into
 * its result (the caller's buffer for {@link #readInto}, an array of the right size for {@link
 * #read(int)} and {@link #readExactly}); only what it leaves is buffered here.
 *
 * <p>On a backend that reads only when asked, a waiting {@link #readInto} with nothing buffered
 * before it lends its buffer to the transport ({@link #lendTarget}): the kernel reads straight into
 * the caller's buffer, no copy at all.
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
  private PendingRead<?> pending;
  /** The one {@link #readInto} record, reused: at most one read waits at a time. */
  private IntoRead into;
  /** The read whose buffer {@link #lendTarget} handed to the transport for the read under way. */
  private IntoRead lentTo;

  /** A read waiting for data: {@link #attempt} completes it or returns false to keep waiting. */
  private abstract static class PendingRead<T> {
    LoopFuture<T> future;

    PendingRead(LoopFuture<T> future) {
      this.future = future;
    }

    /** Tries to finish from the reader's buffer and its end-of-stream state. */
    abstract boolean attempt();

    /**
     * Tries to finish from bytes that just arrived while the reader's buffer is empty, consuming
     * what it takes from {@code data}; false leaves {@code data} untouched, to be buffered.
     */
    boolean takeFrom(ByteBuffer data) {
      return false;
    }
  }

  LoopStreamReader(Loop loop, int limit) {
    this.loop = loop;
    this.limit = limit;
  }

  void setTransport(Transport t) {
    transport = t;
  }

  // ---------------------------------------------------------------- feeding (protocol side)

  void feedData(ByteBuffer data) {
    if (!data.hasRemaining()) {
      return;
    }
    PendingRead<?> p = pending;
    if (p != null && size() == 0) {
      // Nothing buffered, so nothing comes before these bytes: the waiting read takes them from
      // the transport's buffer at once (one copy), and only what it leaves is buffered.
      if (p.future.isDone() || p.takeFrom(data)) {
        pending = null;
      }
      if (!data.hasRemaining()) {
        return;
      }
    }
    int n = data.remaining();
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

  /**
   * The buffer the transport's next read may fill directly: a waiting {@link #readInto}'s, when
   * nothing is buffered or ended before it (so no byte can overtake another); else {@code null}.
   */
  ByteBuffer lendTarget() {
    lentTo = null;
    if (size() != 0 || eof || exception != null) {
      return null;
    }
    if (!(pending instanceof IntoRead r) || r.future.isDone()) {
      return null;
    }
    ByteBuffer dst = r.lendable();
    if (dst != null) {
      lentTo = r;
    }
    return dst;
  }

  /** {@code n} bytes were read into the buffer {@link #lendTarget} returned: the read is done. */
  void lentFilled(int n) {
    IntoRead r = lentTo;
    lentTo = null;
    if (r == null || pending != r || r.future.isDone()) {
      // The transport reads only during the call that asked: nothing can change in between.
      throw new IllegalStateException("bytes read into a buffer no waiting read lent");
    }
    pending = null;
    r.filled(n);
  }

  void feedEof() {
    eof = true;
    wake();
  }

  void setException(Throwable t) {
    exception = t;
    PendingRead<?> p = pending;
    if (p != null) {
      pending = null;
      p.future.tryFail(t);
    }
  }

  private boolean waiting() {
    return pending != null && !pending.future.isDone();
  }

  private void wake() {
    PendingRead<?> p = pending;
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
          new PendingRead<byte[]>(new LoopFuture<>(loop)) {
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
        new PendingRead<byte[]>(new LoopFuture<>(loop)) {
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

          @Override
          boolean takeFrom(ByteBuffer data) {
            byte[] out = new byte[Math.min(n, data.remaining())];
            data.get(out);
            future.tryComplete(out);
            return true;
          }
        });
  }

  /**
   * {@code read(n)} into the caller's buffer: up to {@code dst.remaining()} bytes as soon as any
   * are buffered, the count as the result (0 at end of stream, or at once for a full buffer).
   */
  @Override
  public Future<Integer> readInto(ByteBuffer dst) {
    checkWritable(dst);
    IntoRead r = into;
    if (r == null || (pending == r && !r.future.isDone())) {
      r = new IntoRead(); // the first one, or a second caller while one waits (refused below)
    } else if (pending == r) {
      pending = null; // its last read is over (cancelled): the record is free again
    }
    r.reset(dst, new LoopFuture<>(loop), false);
    Future<Integer> f = submit(r);
    if (f.isDone()) {
      r.release(); // failed at once (the connection's failure): do not keep the caller's buffer
    }
    into = r;
    return f;
  }

  /**
   * {@code readExactly(n)} into the caller's buffer: fills all of {@code dst.remaining()}, or
   * fails with {@link IncompleteReadException} at end of stream, leaving {@code dst} untouched.
   */
  @Override
  public Future<Integer> readExactlyInto(ByteBuffer dst) {
    checkWritable(dst);
    IntoRead r = new IntoRead();
    r.reset(dst, new LoopFuture<>(loop), true);
    return submit(r);
  }

  private static void checkWritable(ByteBuffer dst) {
    java.util.Objects.requireNonNull(dst, "dst");
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("the buffer to read into is read-only");
    }
  }

  /** {@link #readInto} and {@link #readExactlyInto}: the bytes go into the caller's buffer. */
  private final class IntoRead extends PendingRead<Integer> {
    private ByteBuffer dst;
    private boolean exactly;

    IntoRead() {
      super(null);
    }

    void reset(ByteBuffer dst, LoopFuture<Integer> future, boolean exactly) {
      this.dst = dst;
      this.future = future;
      this.exactly = exactly;
    }

    @Override
    boolean attempt() {
      int want = dst.remaining();
      if (want == 0) {
        return finish(0);
      }
      int have = size();
      if (exactly ? have >= want : have > 0) {
        int n = Math.min(want, have);
        dst.put(buf, start, n);
        consume(n);
        return finish(n);
      }
      if (!eof) {
        return false;
      }
      if (exactly) {
        release();
        future.tryFail(new IncompleteReadException(take(have), want));
        return true;
      }
      return finish(0);
    }

    @Override
    boolean takeFrom(ByteBuffer data) {
      int want = dst.remaining();
      int have = data.remaining();
      if (exactly && have < want) {
        return false;
      }
      int n = Math.min(want, have);
      dst.put(dst.position(), data, data.position(), n);
      dst.position(dst.position() + n);
      data.position(data.position() + n);
      return finish(n);
    }

    /** The buffer a direct read may fill, from its position: not for readExactlyInto. */
    ByteBuffer lendable() {
      return exactly || dst == null || !dst.hasRemaining() ? null : dst;
    }

    /** {@code n} bytes landed in {@link #dst} from its position. */
    void filled(int n) {
      dst.position(dst.position() + n);
      finish(n);
    }

    private boolean finish(int n) {
      release();
      future.tryComplete(n);
      return true;
    }

    /** Not kept past the read: the caller owns the buffer again. */
    void release() {
      dst = null;
    }
  }

  @Override
  public Future<byte[]> readExactly(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("readexactly size can not be less than zero");
    }
    return submit(
        new PendingRead<byte[]>(new LoopFuture<>(loop)) {
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

          @Override
          boolean takeFrom(ByteBuffer data) {
            if (data.remaining() < n) {
              return false;
            }
            byte[] out = new byte[n];
            data.get(out);
            future.tryComplete(out);
            return true;
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
  private final class UntilRead extends PendingRead<byte[]> {
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

  private <T> Future<T> submit(PendingRead<T> read) {
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
    consume(n);
    return out;
  }

  /** Drops the first {@code n} buffered bytes (they were handed out). */
  private void consume(int n) {
    start += n;
    if (start == end) {
      start = 0;
      end = 0;
    }
    maybeResumeTransport();
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
