package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/**
 * {@code struct mmsghdr} (which {@code recvmmsg} fills) and the datagram constants of {@link
 * DatagramCalls} against this host's C headers, compiled with gcc. {@code msghdr} inside it is
 * checked field by field by {@link SocketLayoutTest}.
 */
class DatagramLayoutTest {

  @Test
  void mmsghdrAndConstantsMatchHeaders(@TempDir Path dir) throws Exception {
    String c =
        """
        #define _GNU_SOURCE
        #include <stddef.h>
        #include <stdio.h>
        #include <sys/socket.h>
        int main(void) {
          printf("sizeof(mmsghdr) %zu\\n", sizeof(struct mmsghdr));
          printf("mmsghdr.msg_hdr %zu\\n", offsetof(struct mmsghdr, msg_hdr));
          printf("mmsghdr.msg_len %zu\\n", offsetof(struct mmsghdr, msg_len));
          printf("SOCK_DGRAM %d\\n", SOCK_DGRAM);
          printf("SO_BROADCAST %d\\n", SO_BROADCAST);
          printf("MSG_TRUNC %d\\n", MSG_TRUNC);
          return 0;
        }
        """;
    Map<String, Long> header = CProgram.run(dir, c);
    assertAll(
        () -> assertEquals(header.get("sizeof(mmsghdr)"), DatagramCalls.MMSGHDR.byteSize(), "size"),
        () ->
            assertEquals(
                header.get("mmsghdr.msg_hdr"),
                DatagramCalls.MMSGHDR.byteOffset(PathElement.groupElement("msg_hdr")),
                "offsetof(msg_hdr)"),
        () ->
            assertEquals(
                header.get("mmsghdr.msg_len"),
                DatagramCalls.MMSGHDR.byteOffset(PathElement.groupElement("msg_len")),
                "offsetof(msg_len)"),
        () -> assertEquals(header.get("SOCK_DGRAM"), (long) DatagramCalls.SOCK_DGRAM, "SOCK_DGRAM"),
        () ->
            assertEquals(
                header.get("SO_BROADCAST"), (long) DatagramCalls.SO_BROADCAST, "SO_BROADCAST"),
        () -> assertEquals(header.get("MSG_TRUNC"), (long) DatagramCalls.MSG_TRUNC, "MSG_TRUNC"));
  }
}
