package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import zloop.posix.Errno;
import zloop.posix.ErrnoCapture;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): receive buffers the
 * kernel picks from as data arrives, so a multishot RECV needs no buffer per connection.
 *
 * <p>zloop produces at the ring's tail: every buffer is put in once at the start, and each one the
 * kernel fills comes back with {@link #recycle} as soon as its bytes were delivered (or dropped).
 * The kernel consumes from its own head; a completion names the buffer it filled by id.
 *
 * <pre>
 * struct io_uring_buf { __u64 addr; __u32 len; __u16 bid; __u16 resv; };                 // 16
 * struct io_uring_buf_ring {
 *   union { struct { __u64 resv1; __u32 resv2; __u16 resv3; __u16 tail; };
 *           struct io_uring_buf bufs[]; };        // the tail overlays bufs[0].resv
 * };
 * struct io_uring_buf_reg { __u64 ring_addr; __u32 ring_entries; __u16 bgid; __u16 pad;
 *                           __u64 resv[3]; };                                              // 40
 * </pre>
 *
 * <p>Both the ring and the buffers are anonymous mappings: page-aligned, as the kernel requires of
 * the ring, and never handed to {@code malloc} again once unmapped. Loop thread only.
 */
final class BufferRing implements AutoCloseable {

  static final StructLayout BUF =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("addr"),
          JAVA_INT.withName("len"),
          JAVA_SHORT.withName("bid"),
          JAVA_SHORT.withName("resv"));

  static final StructLayout BUF_REG =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("ring_addr"),
          JAVA_INT.withName("ring_entries"),
          JAVA_SHORT.withName("bgid"),
          JAVA_SHORT.withName("pad"),
          MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("resv"));

  /** The buffer group every zloop receive selects from: one ring per loop. */
  static final short GROUP = 0;

  /** Where the ring's tail lives: in the first entry's {@code resv}. */
  static final long TAIL_OFFSET = BUF.byteOffset(groupElement("resv"));

  private static final VarHandle ADDR = BUF.varHandle(groupElement("addr"));
  private static final VarHandle LEN = BUF.varHandle(groupElement("len"));
  private static final VarHandle BID = BUF.varHandle(groupElement("bid"));
  private static final VarHandle SHORT = JAVA_SHORT.varHandle();
  private static final VarHandle RING_ADDR = BUF_REG.varHandle(groupElement("ring_addr"));
  private static final VarHandle RING_ENTRIES = BUF_REG.varHandle(groupElement("ring_entries"));
  private static final VarHandle BGID = BUF_REG.varHandle(groupElement("bgid"));

  private final MemorySegment ring;
  private final MemorySegment data;
  private final int entries;
  private final int bufferSize;
  private final ErrnoCapture errno;

  /**
   * One read-only view per buffer, made once: a delivery only moves its limit. Each runs from its
   * buffer's start to the end of the mapping, so one view also covers a bundle's run of adjacent
   * buffers ({@link #view}).
   */
  private final ByteBuffer[] views;

  /**
   * For each buffer, the one provided right after it: the kernel takes buffers in the order they
   * were provided, so a bundle that starts at buffer {@code b} continues with {@code next[b]}. A
   * link changes only when its buffer is provided again, which is after its completion was
   * handled, so completions may be handled in any order.
   */
  private final int[] next;

  /** The buffer provided last, whose {@link #next} link the next {@link #put} sets; -1 at first. */
  private int lastPut = -1;

  /** zloop's tail, stored to the ring as its low 16 bits. */
  private int tail;

  /** How many buffers came back after the kernel filled them, for the tests. */
  private long recycled;
  private boolean closed;
  private boolean bundles;

  private BufferRing(
      MemorySegment ring, MemorySegment data, int entries, int bufferSize, ErrnoCapture errno) {
    this.ring = ring;
    this.data = data;
    this.entries = entries;
    this.bufferSize = bufferSize;
    this.errno = errno;
    this.views = new ByteBuffer[entries];
    this.next = new int[entries];
    for (int bid = 0; bid < entries; bid++) {
      views[bid] = data.asSlice((long) bid * bufferSize).asByteBuffer().asReadOnlyBuffer();
      put(bid);
    }
    publish();
  }

  /**
   * Maps a ring of {@code entries} buffers of {@code bufferSize} bytes, all of them provided.
   *
   * @param entries a power of two, at most 32768
   */
  static BufferRing create(int entries, int bufferSize, ErrnoCapture errno) throws IOException {
    if (Integer.bitCount(entries) != 1 || entries > 32768) {
      throw new IllegalArgumentException("buffer count must be a power of two <= 32768: " + entries);
    }
    MemorySegment ring = IoUring.mapAnonymous(entries * BUF.byteSize(), errno);
    if (ring.equals(MemorySegment.NULL)) {
      throw Errno.exception("mmap of the provided-buffer ring", errno.get());
    }
    MemorySegment data = IoUring.mapAnonymous((long) entries * bufferSize, errno);
    if (data.equals(MemorySegment.NULL)) {
      int e = errno.get();
      IoUring.unmap(ring, errno);
      throw Errno.exception("mmap of " + entries + " receive buffers", e);
    }
    return new BufferRing(ring, data, entries, bufferSize, errno);
  }

  /** Registers the ring with {@code uring} as buffer group {@link #GROUP}. */
  void register(Ring uring, Arena arena) throws IOException {
    register(uring, arena, GROUP);
  }

  /** Registers the ring with {@code uring} as buffer group {@code group} (datagrams: their own). */
  void register(Ring uring, Arena arena, short group) throws IOException {
    MemorySegment reg = arena.allocate(BUF_REG);
    RING_ADDR.set(reg, 0L, ring.address());
    RING_ENTRIES.set(reg, 0L, entries);
    BGID.set(reg, 0L, group);
    int r = uring.register(IoUring.IORING_REGISTER_PBUF_RING, reg, 1);
    if (r < 0) {
      throw new IOException(
          "the kernel's io_uring has no provided-buffer rings (IORING_REGISTER_PBUF_RING, Linux"
              + " 5.19): "
              + Errno.name(-r)
              + " ("
              + Errno.strerror(-r)
              + ")");
    }
  }

  /**
   * The first {@code length} bytes from the start of buffer {@code bid}, read-only, position 0,
   * valid until recycled. {@code length} may run past the buffer into the ones after it in memory
   * ({@code bid + 1}, ...), for a bundle that filled adjacent buffers.
   */
  ByteBuffer view(int bid, int length) {
    ByteBuffer v = views[bid];
    v.clear().limit(length);
    return v;
  }

  /**
   * How many buffers a receive of {@code res} bytes filled: a bundle fills whole buffers and then
   * part of one; a receive that returned no bytes consumed none (the kernel leaves the buffer in
   * the ring).
   */
  int spanned(int res) {
    return res <= 0 ? 0 : (int) ((res + (long) bufferSize - 1) / bufferSize);
  }

  /**
   * Receives from this ring come in bundles from now on ({@code IORING_RECVSEND_BUNDLE}): see
   * {@link #recycleCompleted}.
   */
  void useBundles() {
    bundles = true;
  }

  boolean bundles() {
    return bundles;
  }

  /**
   * Gives back what one receive completion carrying buffer {@code bid} and {@code res} bytes
   * consumed: with bundles, the {@link #spanned} buffers from {@code bid} on (none when it
   * returned no bytes: the kernel then left the buffer in the ring); without, that one buffer.
   */
  void recycleCompleted(int bid, int res) {
    if (bundles) {
      recycleBundle(bid, spanned(res));
    } else {
      recycle(bid);
    }
  }

  /** The buffer the kernel takes after {@code bid}: the next one of a bundle that filled both. */
  int after(int bid) {
    return next[bid];
  }

  /**
   * Gives back the {@code count} buffers of one bundle completion, starting at {@code bid} (the
   * id its completion named), in the order the kernel filled them.
   */
  void recycleBundle(int bid, int count) {
    int b = bid;
    for (int i = 0; i < count; i++) {
      int following = next[b]; // read before put: providing b again relinks the chain
      put(b);
      recycled++;
      b = following;
    }
    publish();
  }

  /** Whether {@code bid} names one of this ring's buffers. */
  boolean owns(int bid) {
    return bid >= 0 && bid < entries;
  }

  /** Gives buffer {@code bid} back to the kernel. Call once per completion that carried it. */
  void recycle(int bid) {
    put(bid);
    publish();
    recycled++;
  }

  /** How many buffers {@link #recycle} gave back so far. */
  long recycled() {
    return recycled;
  }

  int bufferSize() {
    return bufferSize;
  }

  private void put(int bid) {
    long at = (tail & (entries - 1)) * BUF.byteSize();
    ADDR.set(ring, at, data.address() + (long) bid * bufferSize);
    LEN.set(ring, at, bufferSize);
    BID.set(ring, at, (short) bid);
    tail++;
    if (lastPut >= 0) {
      next[lastPut] = bid;
    }
    lastPut = bid;
  }

  /** A release store: the kernel sees whole entries up to the new tail. */
  private void publish() {
    SHORT.setRelease(ring, TAIL_OFFSET, (short) tail);
  }

  /**
   * Unmaps the ring and the buffers; call only once the kernel confirmed that no receive is in
   * flight (closing the io_uring ring is not enough: its teardown runs later, in a workqueue).
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      IoUring.unmap(ring, errno);
      IoUring.unmap(data, errno);
    }
  }
}
