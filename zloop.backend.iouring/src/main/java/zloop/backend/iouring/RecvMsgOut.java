package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What a multishot RECVMSG writes at the start of each provided buffer, and the opcode that asks
 * for it ({@code IORING_OP_RECVMSG} with {@code IORING_RECV_MULTISHOT}, Linux 6.0).
 *
 * <pre>
 * struct io_uring_recvmsg_out { __u32 namelen; __u32 controllen; __u32 payloadlen; __u32 flags; };  // 16
 * buffer: [io_uring_recvmsg_out][name: msg_namelen bytes][control: msg_controllen bytes][payload]
 * </pre>
 *
 * The name and control regions are as long as the submitted {@code msghdr} asked, whatever the
 * datagram had ({@code namelen} says how much of the name is real). {@code payloadlen} is the
 * datagram's whole length even when the buffer held less ({@code MSG_TRUNC} in {@code flags}); the
 * bytes in the buffer are the completion's {@code res} minus the header and the two regions.
 */
final class RecvMsgOut {

  /** {@code enum io_uring_op}: IORING_OP_RECVMSG. */
  static final int IORING_OP_RECVMSG = 10;

  /** {@code recvmsg(2)}'s {@code msg_flags} bit: the datagram was longer than the room for it. */
  static final int MSG_TRUNC = 0x20;

  static final StructLayout LAYOUT =
      MemoryLayout.structLayout(
          JAVA_INT.withName("namelen"),
          JAVA_INT.withName("controllen"),
          JAVA_INT.withName("payloadlen"),
          JAVA_INT.withName("flags"));

  static final long SIZE = LAYOUT.byteSize();
  static final long NAMELEN = LAYOUT.byteOffset(groupElement("namelen"));
  static final long PAYLOADLEN = LAYOUT.byteOffset(groupElement("payloadlen"));
  static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));

  /** Unaligned reads in the host's order: a header sits at a buffer's start, but say so anyway. */
  private static final ValueLayout.OfInt U32 =
      JAVA_INT.withOrder(ByteOrder.nativeOrder()).withByteAlignment(1);

  private RecvMsgOut() {}

  static int namelen(MemorySegment buffer) {
    return buffer.get(U32, NAMELEN);
  }

  static int payloadlen(MemorySegment buffer) {
    return buffer.get(U32, PAYLOADLEN);
  }

  static int flags(MemorySegment buffer) {
    return buffer.get(U32, FLAGS);
  }

  /**
   * A multishot RECVMSG on {@code fd}: the kernel reads {@code msghdr} (its {@code msg_namelen}
   * and {@code msg_controllen} only) once, and fills one buffer of {@code group} per datagram,
   * with {@code IORING_CQE_F_MORE} while it stays armed.
   */
  static void prepareMultishot(
      MemorySegment sqes, long at, int fd, long msghdr, short group, long userData) {
    Sqe.OPCODE.set(sqes, at, (byte) IORING_OP_RECVMSG);
    Sqe.FD.set(sqes, at, fd);
    Sqe.USER_DATA.set(sqes, at, userData);
    Sqe.ADDR.set(sqes, at, msghdr);
    Sqe.LEN.set(sqes, at, 1); // one msghdr, as liburing's io_uring_prep_recvmsg
    Sqe.FLAGS.set(sqes, at, (byte) IoUring.IOSQE_BUFFER_SELECT);
    Sqe.IOPRIO.set(sqes, at, (short) IoUring.IORING_RECV_MULTISHOT);
    Sqe.BUF_GROUP.set(sqes, at, group);
  }
}
