package zloop.backend.iouring;

import zloop.posix.EventFd;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/** Every io_uring struct layout and constant zloop uses, against this host's kernel headers. */
class IoUringLayoutTest {

  private static final String PROBE =
      """
      #include <stddef.h>
      #include <stdio.h>
      #include <poll.h>
      #include <sys/eventfd.h>
      #include <sys/mman.h>
      #include <sys/syscall.h>
      #include <linux/io_uring.h>
      #include <linux/time_types.h>

      #define SIZE(s) printf("sizeof %s %zu\\n", #s, sizeof(struct s))
      #define OFF(s, f) printf("%s.%s %zu\\n", #s, #f, offsetof(struct s, f))
      #define VALUE(name) printf("%s %lld\\n", #name, (long long) (name))

      int main(void) {
        SIZE(io_uring_params); SIZE(io_sqring_offsets); SIZE(io_cqring_offsets);
        OFF(io_uring_params, sq_entries); OFF(io_uring_params, cq_entries);
        OFF(io_uring_params, flags); OFF(io_uring_params, features);
        OFF(io_uring_params, sq_off); OFF(io_uring_params, cq_off);
        OFF(io_sqring_offsets, head); OFF(io_sqring_offsets, tail);
        OFF(io_sqring_offsets, ring_mask); OFF(io_sqring_offsets, ring_entries);
        OFF(io_sqring_offsets, flags); OFF(io_sqring_offsets, array);
        OFF(io_cqring_offsets, head); OFF(io_cqring_offsets, tail);
        OFF(io_cqring_offsets, ring_mask); OFF(io_cqring_offsets, ring_entries);
        OFF(io_cqring_offsets, cqes);

        SIZE(io_uring_sqe);
        OFF(io_uring_sqe, opcode); OFF(io_uring_sqe, flags); OFF(io_uring_sqe, ioprio);
        OFF(io_uring_sqe, fd); OFF(io_uring_sqe, off); OFF(io_uring_sqe, addr2);
        OFF(io_uring_sqe, addr); OFF(io_uring_sqe, len); OFF(io_uring_sqe, poll32_events);
        OFF(io_uring_sqe, msg_flags); OFF(io_uring_sqe, accept_flags);
        OFF(io_uring_sqe, cancel_flags); OFF(io_uring_sqe, user_data);
        OFF(io_uring_sqe, buf_group); OFF(io_uring_sqe, personality);
        OFF(io_uring_sqe, file_index); OFF(io_uring_sqe, addr_len); OFF(io_uring_sqe, addr3);

        SIZE(io_uring_cqe);
        OFF(io_uring_cqe, user_data); OFF(io_uring_cqe, res); OFF(io_uring_cqe, flags);

        SIZE(io_uring_buf); SIZE(io_uring_buf_reg);
        OFF(io_uring_buf, addr); OFF(io_uring_buf, len); OFF(io_uring_buf, bid);
        OFF(io_uring_buf, resv); OFF(io_uring_buf_ring, tail);
        OFF(io_uring_buf_reg, ring_addr); OFF(io_uring_buf_reg, ring_entries);
        OFF(io_uring_buf_reg, bgid);

        SIZE(io_uring_getevents_arg); SIZE(__kernel_timespec);
        OFF(io_uring_getevents_arg, sigmask); OFF(io_uring_getevents_arg, sigmask_sz);
        OFF(io_uring_getevents_arg, ts);
        OFF(__kernel_timespec, tv_sec); OFF(__kernel_timespec, tv_nsec);

        SIZE(io_uring_probe); SIZE(io_uring_probe_op);
        OFF(io_uring_probe, ops_len); OFF(io_uring_probe, ops); OFF(io_uring_probe_op, flags);

        #ifdef IORING_RECVSEND_BUNDLE
        VALUE(IORING_RECVSEND_BUNDLE); VALUE(IORING_FEAT_RECVSEND_BUNDLE);
        #endif
        VALUE(SYS_io_uring_setup); VALUE(SYS_io_uring_enter); VALUE(SYS_io_uring_register);
        VALUE(IORING_SETUP_CQSIZE); VALUE(IORING_SETUP_CLAMP); VALUE(IORING_SETUP_R_DISABLED);
        VALUE(IORING_SETUP_SUBMIT_ALL); VALUE(IORING_SETUP_COOP_TASKRUN);
        VALUE(IORING_SETUP_SINGLE_ISSUER); VALUE(IORING_SETUP_DEFER_TASKRUN);
        VALUE(IORING_FEAT_SINGLE_MMAP); VALUE(IORING_FEAT_NODROP);
        VALUE(IORING_FEAT_SUBMIT_STABLE); VALUE(IORING_FEAT_EXT_ARG);
        VALUE(IORING_OP_POLL_ADD);
        VALUE(IORING_OP_SENDMSG); VALUE(IORING_OP_ACCEPT); VALUE(IORING_OP_ASYNC_CANCEL);
        VALUE(IORING_OP_CONNECT); VALUE(IORING_OP_SEND); VALUE(IORING_OP_RECV);
        VALUE(IORING_OP_SEND_ZC);
        VALUE(IOSQE_BUFFER_SELECT); VALUE(IORING_POLL_ADD_MULTI); VALUE(IORING_RECV_MULTISHOT);
        VALUE(IORING_ACCEPT_MULTISHOT);
        VALUE(IORING_CQE_F_BUFFER); VALUE(IORING_CQE_F_MORE); VALUE(IORING_CQE_BUFFER_SHIFT);
        VALUE(IORING_OFF_SQ_RING); VALUE(IORING_OFF_CQ_RING); VALUE(IORING_OFF_SQES);
        VALUE(IORING_ENTER_GETEVENTS); VALUE(IORING_ENTER_EXT_ARG);
        VALUE(IORING_REGISTER_PROBE); VALUE(IORING_REGISTER_ENABLE_RINGS);
        VALUE(IORING_REGISTER_PBUF_RING); VALUE(IO_URING_OP_SUPPORTED);
        VALUE(POLLIN); VALUE(POLLOUT); VALUE(POLLERR); VALUE(POLLHUP);
        VALUE(PROT_READ); VALUE(PROT_WRITE); VALUE(MAP_SHARED); VALUE(MAP_PRIVATE);
        VALUE(MAP_ANONYMOUS); VALUE(MAP_POPULATE);
        VALUE(EFD_CLOEXEC); VALUE(EFD_NONBLOCK);
        return 0;
      }
      """;

  private static Map<String, Long> c;

  @BeforeAll
  static void readHeaders(@TempDir Path dir) throws Exception {
    c = CProgram.run(dir, "linux/io_uring.h", PROBE);
  }

  @Test
  void paramsAndRingOffsets() {
    assertStruct(
        Params.LAYOUT,
        "io_uring_params",
        List.of("sq_entries", "cq_entries", "flags", "features", "sq_off", "cq_off"));
    assertStruct(
        Params.SQRING_OFFSETS,
        "io_sqring_offsets",
        List.of("head", "tail", "ring_mask", "ring_entries", "flags", "array"));
    assertStruct(
        Params.CQRING_OFFSETS,
        "io_cqring_offsets",
        List.of("head", "tail", "ring_mask", "ring_entries", "cqes"));
  }

  @Test
  void submissionEntry() {
    assertStruct(
        Sqe.LAYOUT,
        "io_uring_sqe",
        List.of("opcode", "flags", "ioprio", "fd", "addr", "len", "user_data", "personality", "addr3"));
    assertAll(
        offset(Sqe.LAYOUT, "io_uring_sqe", "off", "off_addr2", "off"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "addr2", "off_addr2", "addr2"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "poll32_events", "op_flags", "poll32_events"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "msg_flags", "op_flags", "msg_flags"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "accept_flags", "op_flags", "accept_flags"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "cancel_flags", "op_flags", "cancel_flags"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "buf_group", "buf", "buf_group"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "file_index", "fd_in_index", "file_index"),
        offset(Sqe.LAYOUT, "io_uring_sqe", "addr_len", "fd_in_index", "addr_len_pad3", "addr_len"),
        () -> assertEquals(64, Sqe.SIZE));
  }

  @Test
  void completionEntry() {
    assertStruct(Cqe.LAYOUT, "io_uring_cqe", List.of("user_data", "res", "flags"));
    assertEquals(16, Cqe.SIZE);
  }

  @Test
  void providedBuffers() {
    assertStruct(BufferRing.BUF, "io_uring_buf", List.of("addr", "len", "bid", "resv"));
    assertStruct(
        BufferRing.BUF_REG, "io_uring_buf_reg", List.of("ring_addr", "ring_entries", "bgid"));
    assertEquals(c.get("io_uring_buf_ring.tail"), BufferRing.TAIL_OFFSET, "the ring's tail");
  }

  @Test
  void waitArguments() {
    assertStruct(
        WaitArgs.GETEVENTS_ARG, "io_uring_getevents_arg", List.of("sigmask", "sigmask_sz", "ts"));
    assertStruct(WaitArgs.KERNEL_TIMESPEC, "__kernel_timespec", List.of("tv_sec", "tv_nsec"));
    assertEquals(c.get("sizeof io_uring_getevents_arg"), WaitArgs.size());
  }

  @Test
  void probe() {
    assertStruct(Probe.HEADER, "io_uring_probe", List.of("ops_len"));
    assertStruct(Probe.OP, "io_uring_probe_op", List.of("flags"));
    assertEquals(c.get("io_uring_probe.ops"), Probe.HEADER.byteSize(), "offsetof(ops)");
  }

  @Test
  void constants() {
    assertAll(
        value("SYS_io_uring_setup", IoUring.SYS_IO_URING_SETUP),
        value("SYS_io_uring_enter", IoUring.SYS_IO_URING_ENTER),
        value("SYS_io_uring_register", IoUring.SYS_IO_URING_REGISTER),
        value("IORING_SETUP_CQSIZE", IoUring.IORING_SETUP_CQSIZE),
        value("IORING_SETUP_CLAMP", IoUring.IORING_SETUP_CLAMP),
        value("IORING_SETUP_R_DISABLED", IoUring.IORING_SETUP_R_DISABLED),
        value("IORING_SETUP_SUBMIT_ALL", IoUring.IORING_SETUP_SUBMIT_ALL),
        value("IORING_SETUP_COOP_TASKRUN", IoUring.IORING_SETUP_COOP_TASKRUN),
        value("IORING_SETUP_SINGLE_ISSUER", IoUring.IORING_SETUP_SINGLE_ISSUER),
        value("IORING_SETUP_DEFER_TASKRUN", IoUring.IORING_SETUP_DEFER_TASKRUN),
        value("IORING_FEAT_SINGLE_MMAP", IoUring.IORING_FEAT_SINGLE_MMAP),
        value("IORING_FEAT_NODROP", IoUring.IORING_FEAT_NODROP),
        value("IORING_FEAT_SUBMIT_STABLE", IoUring.IORING_FEAT_SUBMIT_STABLE),
        value("IORING_FEAT_EXT_ARG", IoUring.IORING_FEAT_EXT_ARG),
        value("IORING_OP_POLL_ADD", IoUring.IORING_OP_POLL_ADD),
        value("IORING_OP_SENDMSG", IoUring.IORING_OP_SENDMSG),
        value("IORING_OP_ACCEPT", IoUring.IORING_OP_ACCEPT),
        value("IORING_OP_ASYNC_CANCEL", IoUring.IORING_OP_ASYNC_CANCEL),
        value("IORING_OP_CONNECT", IoUring.IORING_OP_CONNECT),
        value("IORING_OP_SEND", IoUring.IORING_OP_SEND),
        value("IORING_OP_RECV", IoUring.IORING_OP_RECV),
        value("IORING_OP_SEND_ZC", IoUring.IORING_OP_SEND_ZC),
        value("IOSQE_BUFFER_SELECT", IoUring.IOSQE_BUFFER_SELECT),
        value("IORING_POLL_ADD_MULTI", IoUring.IORING_POLL_ADD_MULTI),
        value("IORING_RECV_MULTISHOT", IoUring.IORING_RECV_MULTISHOT),
        value("IORING_ACCEPT_MULTISHOT", IoUring.IORING_ACCEPT_MULTISHOT),
        value("IORING_CQE_F_BUFFER", IoUring.IORING_CQE_F_BUFFER),
        value("IORING_CQE_F_MORE", IoUring.IORING_CQE_F_MORE),
        value("IORING_CQE_BUFFER_SHIFT", IoUring.IORING_CQE_BUFFER_SHIFT),
        value("IORING_OFF_SQ_RING", IoUring.IORING_OFF_SQ_RING),
        value("IORING_OFF_CQ_RING", IoUring.IORING_OFF_CQ_RING),
        value("IORING_OFF_SQES", IoUring.IORING_OFF_SQES),
        value("IORING_ENTER_GETEVENTS", IoUring.IORING_ENTER_GETEVENTS),
        value("IORING_ENTER_EXT_ARG", IoUring.IORING_ENTER_EXT_ARG),
        value("IORING_REGISTER_PROBE", IoUring.IORING_REGISTER_PROBE),
        value("IORING_REGISTER_ENABLE_RINGS", IoUring.IORING_REGISTER_ENABLE_RINGS),
        value("IORING_REGISTER_PBUF_RING", IoUring.IORING_REGISTER_PBUF_RING),
        value("IO_URING_OP_SUPPORTED", IoUring.IO_URING_OP_SUPPORTED),
        value("POLLIN", IoUring.POLLIN),
        value("POLLOUT", IoUring.POLLOUT),
        value("POLLERR", IoUring.POLLERR),
        value("POLLHUP", IoUring.POLLHUP),
        value("PROT_READ", IoUring.PROT_READ),
        value("PROT_WRITE", IoUring.PROT_WRITE),
        value("MAP_SHARED", IoUring.MAP_SHARED),
        value("MAP_PRIVATE", IoUring.MAP_PRIVATE),
        value("MAP_ANONYMOUS", IoUring.MAP_ANONYMOUS),
        value("MAP_POPULATE", IoUring.MAP_POPULATE),
        value("EFD_CLOEXEC", EventFd.EFD_CLOEXEC),
        value("EFD_NONBLOCK", EventFd.EFD_NONBLOCK));
  }

  /** Receive bundles came with Linux 6.10: checked where this host's headers have them. */
  @Test
  void bundleConstants() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        c.containsKey("IORING_RECVSEND_BUNDLE"), "<linux/io_uring.h> predates receive bundles");
    assertAll(
        value("IORING_RECVSEND_BUNDLE", IoUring.IORING_RECVSEND_BUNDLE),
        value("IORING_FEAT_RECVSEND_BUNDLE", IoUring.IORING_FEAT_RECVSEND_BUNDLE));
  }

  /** The struct's size, and the offset of each named field at the top level. */
  private static void assertStruct(StructLayout layout, String struct, List<String> fields) {
    List<Executable> checks = new ArrayList<>();
    checks.add(
        () -> assertEquals(c.get("sizeof " + struct), layout.byteSize(), "sizeof(" + struct + ")"));
    for (String field : fields) {
      checks.add(offset(layout, struct, field, field));
    }
    assertAll(struct, checks);
  }

  /** offsetof({@code struct}, {@code cField}) against the layout's path to it. */
  private static Executable offset(
      MemoryLayout layout, String struct, String cField, String... path) {
    return () -> {
      PathElement[] elements = new PathElement[path.length];
      for (int i = 0; i < path.length; i++) {
        elements[i] = groupElement(path[i]);
      }
      assertEquals(
          c.get(struct + "." + cField),
          layout.byteOffset(elements),
          "offsetof(" + struct + ", " + cField + ")");
    };
  }

  private static Executable value(String name, long actual) {
    return () -> assertEquals(c.get(name), actual, name);
  }
}
