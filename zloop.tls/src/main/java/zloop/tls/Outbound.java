package zloop.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import zloop.Transport;

/**
 * The write side of a TLS connection: wraps the application's bytes and the engine's own messages
 * into records, collects them in a borrowed buffer and hands them to the raw transport in one
 * write per batch ({@link #flush}). Bytes the engine cannot take yet (a handshake step is pending)
 * wait in a backlog, copied, as asyncio's {@code _write_backlog}.
 */
final class Outbound {
  /** Why wrapping stopped. */
  enum Progress {
    /** Everything was wrapped. */
    DONE,
    /** The engine must unwrap first (a post-handshake exchange is under way). */
    BLOCKED,
    /** The engine has delegated tasks to run first. */
    TASKS,
    /** The engine's outbound side is closed: nothing more can be sent. */
    CLOSED
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final BufferPool pool;
  private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
  private final ByteBuffer[] one = new ByteBuffer[1];
  private long backlogBytes;
  private int packetSize;
  private Transport raw;
  /** Records wrapped and not yet handed to the raw transport; borrowed until {@link #flush}. */
  private BufferPool.Pooled out;

  Outbound(BufferPool pool, int packetSize) {
    this.pool = pool;
    this.packetSize = packetSize;
  }

  void attach(Transport rawTransport) {
    this.raw = rawTransport;
  }

  long backlogBytes() {
    return backlogBytes;
  }

  boolean hasBacklog() {
    return !backlog.isEmpty();
  }

  /**
   * Wraps the application's bytes now if {@code canWrap} and nothing waits before them, and queues
   * (copies) whatever the engine does not take. Consumes the buffers.
   */
  Progress write(SSLEngine engine, ByteBuffer[] srcs, boolean canWrap) throws SSLException {
    Progress p = Progress.DONE;
    if (canWrap && backlog.isEmpty()) {
      p = wrapAll(engine, srcs, 0, srcs.length);
    }
    for (ByteBuffer b : srcs) {
      if (b.hasRemaining()) {
        if (p == Progress.CLOSED) {
          b.position(b.limit()); // the engine is closed: the bytes can never be sent
        } else {
          queue(b);
        }
      }
    }
    return p;
  }

  /** Wraps what waits in the backlog, as far as the engine lets it. */
  Progress flushBacklog(SSLEngine engine) throws SSLException {
    try {
      while (!backlog.isEmpty()) {
        ByteBuffer head = backlog.peekFirst();
        int before = head.remaining();
        one[0] = head;
        Progress p = wrapAll(engine, one, 0, 1);
        backlogBytes -= before - head.remaining();
        if (!head.hasRemaining()) {
          backlog.pollFirst();
        }
        if (p != Progress.DONE) {
          if (p == Progress.CLOSED) {
            dropBacklog();
          }
          return p;
        }
      }
      return Progress.DONE;
    } finally {
      one[0] = null;
    }
  }

  /** Produces the engine's own messages (handshake, key update) while it asks to wrap. */
  Progress wrapHandshake(SSLEngine engine) throws SSLException {
    while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      SSLEngineResult r = engine.wrap(EMPTY, room());
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW -> {
          overflow(engine);
          continue;
        }
        case CLOSED -> {
          return Progress.CLOSED;
        }
        default -> {}
      }
      if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        return Progress.TASKS;
      }
      if (r.bytesProduced() == 0) {
        return Progress.BLOCKED; // never spin on an engine that produces nothing
      }
    }
    return engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? Progress.TASKS : Progress.DONE;
  }

  /**
   * Closes the engine's outbound side and wraps what that produces: {@code close_notify}, or the
   * alert a failed engine has queued.
   */
  void wrapClose(SSLEngine engine) throws SSLException {
    engine.closeOutbound();
    for (int i = 0; i < 8 && !engine.isOutboundDone(); i++) { // bounded: a confused engine must not spin
      SSLEngineResult r = engine.wrap(EMPTY, room());
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        overflow(engine);
      } else if (r.bytesProduced() == 0) {
        break;
      }
    }
  }

  private Progress wrapAll(SSLEngine engine, ByteBuffer[] srcs, int off, int len)
      throws SSLException {
    while (hasRemaining(srcs, off, len)) {
      SSLEngineResult r = engine.wrap(srcs, off, len, room());
      switch (r.getStatus()) {
        case BUFFER_OVERFLOW -> {
          overflow(engine);
          continue;
        }
        case CLOSED -> {
          return Progress.CLOSED;
        }
        default -> {}
      }
      HandshakeStatus hs = r.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        return Progress.TASKS;
      }
      if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
        return Progress.BLOCKED;
      }
    }
    return Progress.DONE;
  }

  private static boolean hasRemaining(ByteBuffer[] srcs, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (srcs[i].hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  /** The buffer to wrap into, with room for a whole record (sending what it holds if not). */
  private ByteBuffer room() {
    if (out != null && out.buffer.remaining() < packetSize) {
      flush();
    }
    if (out == null) {
      out = pool.take(packetSize);
    }
    return out.buffer;
  }

  /** The engine needs more room than a record of the size it announced at first. */
  private void overflow(SSLEngine engine) {
    packetSize = Math.max(packetSize, engine.getSession().getPacketBufferSize());
    if (out != null && out.buffer.position() > 0) {
      flush();
    } else if (out != null) {
      pool.give(out);
      out = null;
    }
    if (pool.capacity() < packetSize) {
      out = pool.take(packetSize); // unpooled: bigger than the pool's buffers
    }
  }

  /**
   * Hands the wrapped records to the raw transport (which sends them now or copies them into its
   * buffer) and gives the buffer back. Detached first: the raw write may call back into the
   * application, which may write again.
   */
  void flush() {
    BufferPool.Pooled batch = out;
    if (batch == null) {
      return;
    }
    out = null;
    ByteBuffer b = batch.buffer;
    if (b.position() > 0 && raw != null) {
      b.flip();
      raw.write(b);
    }
    pool.give(batch);
  }

  private void queue(ByteBuffer src) {
    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
    copy.put(src).flip();
    backlog.addLast(copy);
    backlogBytes += copy.remaining();
  }

  private void dropBacklog() {
    backlog.clear();
    backlogBytes = 0;
  }

  /** Forgets everything (the connection is gone). */
  void clear() {
    dropBacklog();
    if (out != null) {
      pool.give(out);
      out = null;
    }
  }
}
