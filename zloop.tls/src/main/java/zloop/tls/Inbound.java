package zloop.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The read side of a TLS connection: unwraps the records in {@link NetInput} and hands the
 * plaintext to the application. A {@code Protocol} gets one {@code dataReceived} per batch of
 * records, from a pooled buffer; a {@code BufferedProtocol} has records unwrapped straight into
 * its own buffer when that buffer can hold one, and copied over in pieces otherwise. Plaintext an
 * application did not take before pausing waits here ({@link #hasPending()}).
 */
final class Inbound {
  /** Why delivering stopped. */
  enum Outcome {
    /** No whole record left: wait for the raw transport. */
    NEED_DATA,
    /** The application stopped reading (paused, closed, or the connection failed). */
    PAUSED,
    /** The peer's {@code close_notify} arrived. */
    PEER_CLOSED,
    /** The engine needs to wrap or run tasks (a post-handshake message, or a renegotiation). */
    HANDSHAKING
  }

  /** The application as the read side sees it; the TLS protocol guards each call. */
  interface Sink {
    /** Whether the application takes data now. */
    boolean reading();

    /** Whether it is a {@code BufferedProtocol}. */
    boolean buffered();

    void dataReceived(ByteBuffer view);

    /** The application's buffer, or {@code null} if asking failed (the connection is failing). */
    ByteBuffer getBuffer();

    void bufferUpdated(int n);
  }

  private final BufferPool pool;
  private final NetInput net;
  private int appSize;
  /** Plaintext unwrapped and not delivered yet, in read mode, or {@code null}. */
  private BufferPool.Pooled pending;

  Inbound(BufferPool pool, NetInput net, int appSize) {
    this.pool = pool;
    this.net = net;
    this.appSize = appSize;
  }

  boolean hasPending() {
    return pending != null;
  }

  /** Unwraps and delivers until the input runs out, the application pauses, or the engine needs something. */
  Outcome deliver(SSLEngine engine, Sink app) throws SSLException {
    while (true) {
      if (!app.reading()) {
        return Outcome.PAUSED;
      }
      if (pending != null) {
        drainPending(app);
        continue;
      }
      Outcome o = app.buffered() ? intoAppBuffer(engine, app) : intoPooled(engine, app);
      if (o != null) {
        return o;
      }
    }
  }

  /** Records into a pooled buffer while another fits, then one {@code dataReceived}. */
  private Outcome intoPooled(SSLEngine engine, Sink app) throws SSLException {
    BufferPool.Pooled out = pool.take(appSize);
    ByteBuffer dst = out.buffer;
    Outcome stop = null;
    try {
      while (stop == null && dst.remaining() >= appSize) {
        SSLEngineResult r = engine.unwrap(net.data(), dst);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          grow(engine);
          break; // deliver what is there, then retry with room for the bigger records
        }
        stop = classify(r);
      }
    } catch (SSLException e) {
      handOver(out, app); // what was authenticated before the bad record still counts
      throw e;
    }
    handOver(out, app);
    return stop;
  }

  private void handOver(BufferPool.Pooled out, Sink app) {
    out.buffer.flip();
    if (out.buffer.hasRemaining()) {
      pending = out;
      drainPending(app);
    } else {
      pool.give(out);
    }
  }

  /** Straight into the application's buffer, if a record fits; through a pooled one if not. */
  private Outcome intoAppBuffer(SSLEngine engine, Sink app) throws SSLException {
    if (!net.hasFullRecord()) {
      return Outcome.NEED_DATA; // do not ask for a buffer without anything to put in it
    }
    ByteBuffer b = app.getBuffer();
    if (b == null) {
      return Outcome.PAUSED;
    }
    if (b.remaining() < appSize) {
      BufferPool.Pooled out = pool.take(appSize);
      SSLEngineResult r;
      try {
        r = engine.unwrap(net.data(), out.buffer);
      } catch (SSLException e) {
        pool.give(out);
        throw e;
      }
      out.buffer.flip();
      if (out.buffer.hasRemaining()) {
        pending = out;
        copyPiece(b, app); // into the buffer we already asked for
      } else {
        pool.give(out);
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        grow(engine);
        return null;
      }
      return classify(r);
    }
    int start = b.position();
    Outcome stop = null;
    try {
      while (stop == null && b.remaining() >= appSize) {
        SSLEngineResult r = engine.unwrap(net.data(), b);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          grow(engine);
          break;
        }
        stop = classify(r);
      }
    } finally {
      int n = b.position() - start;
      b.position(start); // bufferUpdated's contract: the bytes are at [position, position + n)
      if (n > 0) {
        app.bufferUpdated(n);
      }
    }
    return stop;
  }

  private void drainPending(Sink app) {
    ByteBuffer p = pending.buffer;
    if (!app.buffered()) {
      app.dataReceived(pending.view());
      p.position(p.limit());
    } else {
      ByteBuffer b = app.getBuffer();
      if (b == null) {
        return;
      }
      copyPiece(b, app);
    }
    if (pending != null && !pending.buffer.hasRemaining()) {
      pool.give(pending);
      pending = null;
    }
  }

  private void copyPiece(ByteBuffer into, Sink app) {
    ByteBuffer p = pending.buffer;
    int n = Math.min(into.remaining(), p.remaining());
    into.put(into.position(), p, p.position(), n);
    p.position(p.position() + n);
    app.bufferUpdated(n);
  }

  /**
   * Unwraps during the handshake. Application data may come with the last handshake records; it
   * is kept for the application, which hears of the connection only afterwards.
   *
   * @return {@code null} to go on, {@link Outcome#NEED_DATA}, or {@link Outcome#PEER_CLOSED}
   */
  Outcome unwrapHandshake(SSLEngine engine) throws SSLException {
    if (pending != null && pending.buffer.capacity() - pending.buffer.remaining() < appSize) {
      BufferPool.Pooled bigger = pool.take(pending.buffer.remaining() + appSize);
      bigger.buffer.put(pending.buffer).flip();
      pool.give(pending);
      pending = bigger;
    }
    BufferPool.Pooled out = pending != null ? pending : pool.take(appSize);
    ByteBuffer dst = out.buffer;
    if (out == pending) {
      dst.compact(); // append after what is kept (back to write mode)
    }
    SSLEngineResult r;
    try {
      r = engine.unwrap(net.data(), dst);
    } finally {
      dst.flip();
      if (dst.hasRemaining()) {
        pending = out;
      } else {
        pending = null;
        pool.give(out);
      }
    }
    return switch (r.getStatus()) {
      case BUFFER_UNDERFLOW -> Outcome.NEED_DATA;
      case CLOSED -> Outcome.PEER_CLOSED;
      case BUFFER_OVERFLOW -> {
        grow(engine);
        yield null;
      }
      case OK -> r.bytesConsumed() == 0 && r.bytesProduced() == 0 ? Outcome.NEED_DATA : null;
    };
  }

  /**
   * Unwraps and drops what arrives while closing (asyncio's {@code _do_read_into_void}), watching
   * for the peer's {@code close_notify}.
   */
  Outcome discard(SSLEngine engine) throws SSLException {
    release();
    BufferPool.Pooled scratch = pool.take(appSize);
    try {
      while (true) {
        scratch.buffer.clear();
        SSLEngineResult r = engine.unwrap(net.data(), scratch.buffer);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          grow(engine);
          pool.give(scratch);
          scratch = pool.take(appSize);
          continue;
        }
        Outcome o = classify(r);
        if (o != null) {
          return o;
        }
      }
    } finally {
      pool.give(scratch);
    }
  }

  /** What an unwrap's result means for the reading loop; {@code null}: keep going. */
  private static Outcome classify(SSLEngineResult r) {
    switch (r.getStatus()) {
      case BUFFER_UNDERFLOW -> {
        return Outcome.NEED_DATA;
      }
      case CLOSED -> {
        return Outcome.PEER_CLOSED;
      }
      default -> {}
    }
    HandshakeStatus hs = r.getHandshakeStatus();
    if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
      return Outcome.HANDSHAKING;
    }
    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
      return Outcome.NEED_DATA; // never spin on an engine that makes no progress
    }
    return null;
  }

  private void grow(SSLEngine engine) {
    appSize = Math.max(appSize, engine.getSession().getApplicationBufferSize());
  }

  /** Gives the pending plaintext back (the connection is over, or closing discards it). */
  void release() {
    if (pending != null) {
      pool.give(pending);
      pending = null;
    }
  }
}
