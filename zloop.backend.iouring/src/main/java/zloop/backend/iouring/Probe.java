package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which operations the kernel supports ({@code IORING_REGISTER_PROBE}), and the list zloop needs.
 *
 * <pre>
 * struct io_uring_probe_op { __u8 op; __u8 resv; __u16 flags; __u32 resv2; };            //  8
 * struct io_uring_probe { __u8 last_op; __u8 ops_len; __u16 resv; __u32 resv2[3];
 *                         struct io_uring_probe_op ops[]; };                              // 16
 * </pre>
 *
 * <p><b>Caveat:</b> the probe lists opcodes, not their flags. Multishot RECV (Linux 6.0) has no
 * opcode of its own, so the probe asks for {@code IORING_OP_SEND_ZC}, which arrived in the same
 * release; multishot ACCEPT and provided-buffer rings (5.19) are older still, and a kernel that
 * lacks the ring fails its registration with its own message.
 */
final class Probe {

  static final StructLayout OP =
      MemoryLayout.structLayout(
          JAVA_BYTE.withName("op"),
          JAVA_BYTE.withName("resv"),
          JAVA_SHORT.withName("flags"),
          JAVA_INT.withName("resv2"));

  static final StructLayout HEADER =
      MemoryLayout.structLayout(
          JAVA_BYTE.withName("last_op"),
          JAVA_BYTE.withName("ops_len"),
          JAVA_SHORT.withName("resv"),
          MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2"));

  /** How many op entries zloop offers the kernel to fill: every opcode a byte can name. */
  static final int MAX_OPS = 256;

  private static final VarHandle OPS_LEN = HEADER.varHandle(groupElement("ops_len"));
  private static final VarHandle OP_FLAGS = OP.varHandle(groupElement("flags"));

  /** What zloop submits, by name, for the message when one is missing. */
  private static final Map<Integer, String> NEEDED =
      Map.of(
          IoUring.IORING_OP_POLL_ADD, "POLL_ADD",
          IoUring.IORING_OP_SENDMSG, "SENDMSG",
          IoUring.IORING_OP_ACCEPT, "ACCEPT",
          IoUring.IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL",
          IoUring.IORING_OP_CONNECT, "CONNECT",
          IoUring.IORING_OP_SEND, "SEND",
          IoUring.IORING_OP_RECV, "RECV",
          IoUring.IORING_OP_SEND_ZC, "SEND_ZC (stands for multishot RECV: both came in Linux 6.0)");

  private Probe() {}

  /**
   * The operations zloop needs that the ring's kernel lacks, as a message, or {@code null} when
   * it has them all.
   */
  static String missingOperations(Ring ring, Arena arena) {
    MemorySegment probe = arena.allocate(HEADER.byteSize() + OP.byteSize() * MAX_OPS, 8);
    int r = ring.register(IoUring.IORING_REGISTER_PROBE, probe, MAX_OPS);
    if (r < 0) {
      return "the kernel cannot list io_uring operations (IORING_REGISTER_PROBE needs Linux 5.6)";
    }
    int opsLen = Byte.toUnsignedInt((byte) OPS_LEN.get(probe, 0L));
    List<String> missing = new ArrayList<>();
    NEEDED.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              if (!supported(probe, opsLen, e.getKey())) {
                missing.add("IORING_OP_" + e.getValue());
              }
            });
    return missing.isEmpty()
        ? null
        : "the kernel's io_uring lacks " + String.join(", ", missing) + " (zloop needs Linux 6.0)";
  }

  private static boolean supported(MemorySegment probe, int opsLen, int opcode) {
    if (opcode >= opsLen) {
      return false;
    }
    long at = HEADER.byteSize() + OP.byteSize() * opcode;
    int flags = Short.toUnsignedInt((short) OP_FLAGS.get(probe, at));
    return (flags & IoUring.IO_URING_OP_SUPPORTED) != 0;
  }
}
