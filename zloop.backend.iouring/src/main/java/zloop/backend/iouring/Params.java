package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct io_uring_params}, which {@code io_uring_setup} reads the wanted flags from and
 * fills with the ring's sizes, features and the offsets of every field inside the mmapped rings.
 *
 * <pre>
 * struct io_sqring_offsets { __u32 head, tail, ring_mask, ring_entries, flags, dropped, array,
 *                            resv1; __u64 resv2; };                                      // 40
 * struct io_cqring_offsets { __u32 head, tail, ring_mask, ring_entries, overflow, cqes, flags,
 *                            resv1; __u64 resv2; };                                      // 40
 * struct io_uring_params {
 *   __u32 sq_entries; __u32 cq_entries; __u32 flags; __u32 sq_thread_cpu;
 *   __u32 sq_thread_idle; __u32 features; __u32 wq_fd; __u32 resv[3];
 *   struct io_sqring_offsets sq_off;
 *   struct io_cqring_offsets cq_off;
 * };                                                                                     // 120
 * </pre>
 */
final class Params {

  static final StructLayout SQRING_OFFSETS =
      MemoryLayout.structLayout(
          JAVA_INT.withName("head"),
          JAVA_INT.withName("tail"),
          JAVA_INT.withName("ring_mask"),
          JAVA_INT.withName("ring_entries"),
          JAVA_INT.withName("flags"),
          JAVA_INT.withName("dropped"),
          JAVA_INT.withName("array"),
          JAVA_INT.withName("resv1"),
          JAVA_LONG.withName("resv2"));

  static final StructLayout CQRING_OFFSETS =
      MemoryLayout.structLayout(
          JAVA_INT.withName("head"),
          JAVA_INT.withName("tail"),
          JAVA_INT.withName("ring_mask"),
          JAVA_INT.withName("ring_entries"),
          JAVA_INT.withName("overflow"),
          JAVA_INT.withName("cqes"),
          JAVA_INT.withName("flags"),
          JAVA_INT.withName("resv1"),
          JAVA_LONG.withName("resv2"));

  static final StructLayout LAYOUT =
      MemoryLayout.structLayout(
          JAVA_INT.withName("sq_entries"),
          JAVA_INT.withName("cq_entries"),
          JAVA_INT.withName("flags"),
          JAVA_INT.withName("sq_thread_cpu"),
          JAVA_INT.withName("sq_thread_idle"),
          JAVA_INT.withName("features"),
          JAVA_INT.withName("wq_fd"),
          MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
          SQRING_OFFSETS.withName("sq_off"),
          CQRING_OFFSETS.withName("cq_off"));

  static final VarHandle SQ_ENTRIES = field("sq_entries");
  static final VarHandle CQ_ENTRIES = field("cq_entries");
  static final VarHandle FLAGS = field("flags");
  static final VarHandle FEATURES = field("features");

  static final VarHandle SQ_OFF_HEAD = sqOff("head");
  static final VarHandle SQ_OFF_TAIL = sqOff("tail");
  static final VarHandle SQ_OFF_RING_MASK = sqOff("ring_mask");
  static final VarHandle SQ_OFF_RING_ENTRIES = sqOff("ring_entries");
  static final VarHandle SQ_OFF_FLAGS = sqOff("flags");
  static final VarHandle SQ_OFF_ARRAY = sqOff("array");

  static final VarHandle CQ_OFF_HEAD = cqOff("head");
  static final VarHandle CQ_OFF_TAIL = cqOff("tail");
  static final VarHandle CQ_OFF_RING_MASK = cqOff("ring_mask");
  static final VarHandle CQ_OFF_RING_ENTRIES = cqOff("ring_entries");
  static final VarHandle CQ_OFF_CQES = cqOff("cqes");

  private Params() {}

  /** Reads one {@code __u32} of a params struct through one of the handles above. */
  static int get(VarHandle field, MemorySegment params) {
    return (int) field.get(params, 0L);
  }

  private static VarHandle field(String name) {
    return LAYOUT.varHandle(groupElement(name));
  }

  private static VarHandle sqOff(String name) {
    return LAYOUT.varHandle(groupElement("sq_off"), groupElement(name));
  }

  private static VarHandle cqOff(String name) {
    return LAYOUT.varHandle(groupElement("cq_off"), groupElement(name));
  }
}
