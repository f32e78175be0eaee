package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct io_uring_sqe}, the 64-byte submission queue entry, and one writer per operation
 * zloop submits. Each writer fills an entry {@link SubmissionQueue#next()} has zeroed, so it sets
 * only the fields its operation reads (a stray value in an unused field makes the kernel answer
 * {@code EINVAL}).
 *
 * <pre>
 * struct io_uring_sqe {
 *   __u8  opcode;  __u8 flags;  __u16 ioprio;  __s32 fd;                                 //  0
 *   union { __u64 off; __u64 addr2; ... };                                               //  8
 *   union { __u64 addr; __u64 splice_off_in; };                                          // 16
 *   __u32 len;                                                                           // 24
 *   union { __u32 rw_flags; __u32 poll32_events; __u32 msg_flags; __u32 accept_flags;
 *           __u32 cancel_flags; ... };                                                   // 28
 *   __u64 user_data;                                                                     // 32
 *   union { __u16 buf_index; __u16 buf_group; } __attribute__((packed));                 // 40
 *   __u16 personality;                                                                   // 42
 *   union { __s32 splice_fd_in; __u32 file_index; struct { __u16 addr_len; ... }; };     // 44
 *   union { struct { __u64 addr3; __u64 __pad2[1]; }; __u8 cmd[0]; };                    // 48
 * };                                                                                     // 64
 * </pre>
 *
 * The anonymous unions (and the struct in one) get names here ({@code off_addr2}, {@code op_flags},
 * ...) so a layout path can reach their members.
 */
final class Sqe {

  static final StructLayout LAYOUT =
      MemoryLayout.structLayout(
          JAVA_BYTE.withName("opcode"),
          JAVA_BYTE.withName("flags"),
          JAVA_SHORT.withName("ioprio"),
          JAVA_INT.withName("fd"),
          MemoryLayout.unionLayout(JAVA_LONG.withName("off"), JAVA_LONG.withName("addr2"))
              .withName("off_addr2"),
          JAVA_LONG.withName("addr"),
          JAVA_INT.withName("len"),
          MemoryLayout.unionLayout(
                  JAVA_INT.withName("rw_flags"),
                  JAVA_INT.withName("poll32_events"),
                  JAVA_INT.withName("msg_flags"),
                  JAVA_INT.withName("accept_flags"),
                  JAVA_INT.withName("cancel_flags"))
              .withName("op_flags"),
          JAVA_LONG.withName("user_data"),
          MemoryLayout.unionLayout(JAVA_SHORT.withName("buf_index"), JAVA_SHORT.withName("buf_group"))
              .withName("buf"),
          JAVA_SHORT.withName("personality"),
          MemoryLayout.unionLayout(
                  JAVA_INT.withName("splice_fd_in"),
                  JAVA_INT.withName("file_index"),
                  MemoryLayout.structLayout(
                          JAVA_SHORT.withName("addr_len"), JAVA_SHORT.withName("__pad3"))
                      .withName("addr_len_pad3"))
              .withName("fd_in_index"),
          JAVA_LONG.withName("addr3"),
          JAVA_LONG.withName("__pad2"));

  static final long SIZE = LAYOUT.byteSize();

  static final VarHandle OPCODE = LAYOUT.varHandle(groupElement("opcode"));
  static final VarHandle FLAGS = LAYOUT.varHandle(groupElement("flags"));
  static final VarHandle IOPRIO = LAYOUT.varHandle(groupElement("ioprio"));
  static final VarHandle FD = LAYOUT.varHandle(groupElement("fd"));
  static final VarHandle OFF = LAYOUT.varHandle(groupElement("off_addr2"), groupElement("off"));
  static final VarHandle ADDR = LAYOUT.varHandle(groupElement("addr"));
  static final VarHandle LEN = LAYOUT.varHandle(groupElement("len"));
  static final VarHandle POLL32_EVENTS =
      LAYOUT.varHandle(groupElement("op_flags"), groupElement("poll32_events"));
  static final VarHandle MSG_FLAGS =
      LAYOUT.varHandle(groupElement("op_flags"), groupElement("msg_flags"));
  static final VarHandle ACCEPT_FLAGS =
      LAYOUT.varHandle(groupElement("op_flags"), groupElement("accept_flags"));
  static final VarHandle CANCEL_FLAGS =
      LAYOUT.varHandle(groupElement("op_flags"), groupElement("cancel_flags"));
  static final VarHandle USER_DATA = LAYOUT.varHandle(groupElement("user_data"));
  static final VarHandle BUF_GROUP =
      LAYOUT.varHandle(groupElement("buf"), groupElement("buf_group"));

  private Sqe() {}

  /** Zeroes the entry at {@code at}: eight aligned 8-byte stores, no slice allocated. */
  static void clear(MemorySegment sqes, long at) {
    for (long i = 0; i < SIZE; i += Long.BYTES) {
      sqes.set(JAVA_LONG, at + i, 0L);
    }
  }

  /**
   * A multishot RECV: each time bytes arrive the kernel picks a buffer of {@code group}, fills it
   * and posts a completion with {@code IORING_CQE_F_MORE} while the receive stays armed. With
   * {@code bundle} ({@code IORING_RECVSEND_BUNDLE}, Linux 6.10) one completion may fill several
   * buffers, taken in ring order, as many as the bytes waiting need.
   */
  static void recvMultishot(
      MemorySegment sqes, long at, int fd, short group, boolean bundle, long userData) {
    head(sqes, at, IoUring.IORING_OP_RECV, fd, userData);
    FLAGS.set(sqes, at, (byte) IoUring.IOSQE_BUFFER_SELECT);
    int ioprio = IoUring.IORING_RECV_MULTISHOT | (bundle ? IoUring.IORING_RECVSEND_BUNDLE : 0);
    IOPRIO.set(sqes, at, (short) ioprio);
    BUF_GROUP.set(sqes, at, group);
  }

  /** A single RECV of at most {@code length} bytes into one buffer the kernel picks from {@code group}. */
  static void recvSelected(
      MemorySegment sqes, long at, int fd, int length, short group, long userData) {
    head(sqes, at, IoUring.IORING_OP_RECV, fd, userData);
    FLAGS.set(sqes, at, (byte) IoUring.IOSQE_BUFFER_SELECT);
    LEN.set(sqes, at, length);
    BUF_GROUP.set(sqes, at, group);
  }

  /** A single RECV of at most {@code length} bytes into native memory at {@code address}. */
  static void recv(MemorySegment sqes, long at, int fd, long address, int length, long userData) {
    head(sqes, at, IoUring.IORING_OP_RECV, fd, userData);
    ADDR.set(sqes, at, address);
    LEN.set(sqes, at, length);
  }

  /** A SEND of {@code length} bytes at {@code address}, with {@code send(2)} flags. */
  static void send(
      MemorySegment sqes, long at, int fd, long address, int length, int msgFlags, long userData) {
    head(sqes, at, IoUring.IORING_OP_SEND, fd, userData);
    ADDR.set(sqes, at, address);
    LEN.set(sqes, at, length);
    MSG_FLAGS.set(sqes, at, msgFlags);
  }

  /** A SENDMSG of the {@code struct msghdr} at {@code msghdr}, with {@code sendmsg(2)} flags. */
  static void sendmsg(
      MemorySegment sqes, long at, int fd, long msghdr, int msgFlags, long userData) {
    head(sqes, at, IoUring.IORING_OP_SENDMSG, fd, userData);
    ADDR.set(sqes, at, msghdr);
    LEN.set(sqes, at, 1); // one msghdr, as liburing's io_uring_prep_sendmsg
    MSG_FLAGS.set(sqes, at, msgFlags);
  }

  /**
   * A multishot ACCEPT: one completion per connection, each the new descriptor, created with
   * {@code acceptFlags} ({@code SOCK_NONBLOCK | SOCK_CLOEXEC}). No peer address is asked for.
   */
  static void acceptMultishot(
      MemorySegment sqes, long at, int fd, int acceptFlags, long userData) {
    head(sqes, at, IoUring.IORING_OP_ACCEPT, fd, userData);
    IOPRIO.set(sqes, at, (short) IoUring.IORING_ACCEPT_MULTISHOT);
    ACCEPT_FLAGS.set(sqes, at, acceptFlags);
  }

  /** A CONNECT to the {@code struct sockaddr} of {@code length} bytes at {@code address}. */
  static void connect(
      MemorySegment sqes, long at, int fd, long address, int length, long userData) {
    head(sqes, at, IoUring.IORING_OP_CONNECT, fd, userData);
    ADDR.set(sqes, at, address);
    OFF.set(sqes, at, (long) length); // addrlen travels in addr2, which shares off's place
  }

  /** A POLL_ADD for the {@code poll(2)} bits {@code events}; multishot keeps it armed. */
  static void pollAdd(
      MemorySegment sqes, long at, int fd, int events, boolean multishot, long userData) {
    head(sqes, at, IoUring.IORING_OP_POLL_ADD, fd, userData);
    POLL32_EVENTS.set(sqes, at, events);
    LEN.set(sqes, at, multishot ? IoUring.IORING_POLL_ADD_MULTI : 0);
  }

  /** An ASYNC_CANCEL of the request submitted with {@code target} as its user_data. */
  static void cancel(MemorySegment sqes, long at, long target, long userData) {
    head(sqes, at, IoUring.IORING_OP_ASYNC_CANCEL, -1, userData);
    ADDR.set(sqes, at, target);
  }

  /** An ASYNC_CANCEL of every request in flight ({@code IORING_ASYNC_CANCEL_ANY}, Linux 5.19). */
  static void cancelAll(MemorySegment sqes, long at, long userData) {
    head(sqes, at, IoUring.IORING_OP_ASYNC_CANCEL, -1, userData);
    CANCEL_FLAGS.set(sqes, at, IoUring.IORING_ASYNC_CANCEL_ANY);
  }

  private static void head(MemorySegment sqes, long at, int opcode, int fd, long userData) {
    OPCODE.set(sqes, at, (byte) opcode);
    FD.set(sqes, at, fd);
    USER_DATA.set(sqes, at, userData);
  }
}
