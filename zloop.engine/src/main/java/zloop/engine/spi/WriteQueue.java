package zloop.engine.spi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes a transport has accepted but the kernel has not: a FIFO of buffers, each between its
 * position and limit. The engine owns it (appends, removes written bytes); a backend reads {@link
 * #buffers()} to send from them. Loop thread only.
 */
public final class WriteQueue {
  private ByteBuffer[] items = new ByteBuffer[8];
  private int count;
  private long size;

  /** The queued buffers, oldest first: entries {@code 0..count()-1}. Do not modify the array. */
  public ByteBuffer[] buffers() {
    return items;
  }

  /** How many buffers are queued. */
  public int count() {
    return count;
  }

  /** How many bytes are queued. */
  public long size() {
    return size;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Appends a buffer; the queue owns it from now on. */
  public void add(ByteBuffer b) {
    if (!b.hasRemaining()) {
      return;
    }
    if (count == items.length) {
      items = Arrays.copyOf(items, count * 2);
    }
    items[count++] = b;
    size += b.remaining();
  }

  /** The newest buffer, to append into if it has room, or {@code null}. */
  public ByteBuffer last() {
    return count == 0 ? null : items[count - 1];
  }

  /** Accounts for bytes appended directly into {@link #last()}. */
  public void grewBy(int n) {
    size += n;
  }

  /**
   * Removes {@code n} bytes from the head, advancing positions; each buffer emptied goes to
   * {@code recycle}.
   */
  public void consume(long n, java.util.function.Consumer<ByteBuffer> recycle) {
    if (n > size || n < 0) {
      throw new IllegalArgumentException("consumed " + n + " of " + size + " queued bytes");
    }
    size -= n;
    int done = 0;
    while (n > 0) {
      ByteBuffer head = items[done];
      int take = (int) Math.min(n, head.remaining());
      head.position(head.position() + take);
      n -= take;
      if (!head.hasRemaining()) {
        recycle.accept(head);
        done++;
      }
    }
    removeHead(done);
  }

  /** Drops everything (abort), passing each buffer to {@code recycle}. */
  public void clear(java.util.function.Consumer<ByteBuffer> recycle) {
    for (int i = 0; i < count; i++) {
      recycle.accept(items[i]);
    }
    Arrays.fill(items, 0, count, null);
    count = 0;
    size = 0;
  }

  private void removeHead(int done) {
    if (done > 0) {
      System.arraycopy(items, done, items, 0, count - done);
      Arrays.fill(items, count - done, count, null);
      count -= done;
    }
  }
}
