package zloop.engine.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Direct buffers for the bytes transports buffer when the kernel does not take them at once: a
 * per-loop free list, so a connection under back-pressure does not allocate per write. Loop
 * thread only.
 *
 * <p><b>Caveats</b>: the free list is bounded ({@link #MAX_FREE} chunks); chunks beyond it are
 * left to the garbage collector.
 */
public final class ChunkPool {
  static final int CHUNK_SIZE = 64 * 1024;
  private static final int MAX_FREE = 256;

  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  /**
   * {@link #give}, made once: a method reference written at each call site is a new object per
   * call (16 B per send completion on io_uring, where every write completes through onWritten).
   */
  final Consumer<ByteBuffer> giveBack = this::give;

  /** An empty chunk (position 0, limit 0: nothing queued in it yet). */
  ByteBuffer take() {
    ByteBuffer b = free.pollFirst();
    if (b == null) {
      b = ByteBuffer.allocateDirect(CHUNK_SIZE);
    }
    b.position(0).limit(0);
    return b;
  }

  void give(ByteBuffer b) {
    if (b.isDirect() && b.capacity() == CHUNK_SIZE && free.size() < MAX_FREE) {
      free.addFirst(b);
    }
  }
}
