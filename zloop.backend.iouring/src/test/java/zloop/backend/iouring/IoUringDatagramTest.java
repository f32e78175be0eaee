package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.DatagramHandler;
import zloop.posix.IoVecs;
import zloop.test.support.CProgram;

/** The io_uring datagram receive path: the multishot RECVMSG, its buffer ring, its header. */
class IoUringDatagramTest {

  private static final String PROBE =
      """
      #include <stddef.h>
      #include <stdio.h>
      #include <linux/io_uring.h>

      int main(void) {
        printf("sizeof %zu\\n", sizeof(struct io_uring_recvmsg_out));
        printf("namelen %zu\\n", offsetof(struct io_uring_recvmsg_out, namelen));
        printf("controllen %zu\\n", offsetof(struct io_uring_recvmsg_out, controllen));
        printf("payloadlen %zu\\n", offsetof(struct io_uring_recvmsg_out, payloadlen));
        printf("flags %zu\\n", offsetof(struct io_uring_recvmsg_out, flags));
        printf("IORING_OP_RECVMSG %d\\n", (int) IORING_OP_RECVMSG);
        return 0;
      }
      """;

  @Test
  void recvmsgOutMatchesTheKernelHeader(@TempDir Path dir) throws Exception {
    Map<String, Long> c = CProgram.run(dir, "linux/io_uring.h", PROBE);
    assertAll(
        () -> assertEquals(c.get("sizeof"), RecvMsgOut.SIZE),
        () -> assertEquals(c.get("namelen"), RecvMsgOut.NAMELEN),
        () -> assertEquals(c.get("payloadlen"), RecvMsgOut.PAYLOADLEN),
        () -> assertEquals(c.get("flags"), RecvMsgOut.FLAGS),
        () -> assertEquals(c.get("controllen"), RecvMsgOut.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("controllen"))),
        () -> assertEquals(c.get("IORING_OP_RECVMSG"), (long) RecvMsgOut.IORING_OP_RECVMSG),
        () -> assertEquals(56L, IoVecs.MSGHDR.byteSize()));
  }

  /**
   * 64 datagrams wait in the kernel before the first poll and the ring has 4 buffers: the
   * multishot RECVMSG ends for want of a buffer (ENOBUFS), is armed again, and every datagram
   * still arrives, in order, with its sender.
   */
  @Test
  void aRingThatRunsDryIsArmedAgainAndLosesNothing() throws Exception {
    String before = System.getProperty(IoUringDatagrams.BUFFERS_PROPERTY);
    System.setProperty(IoUringDatagrams.BUFFERS_PROPERTY, "4");
    try (Driver driver = new Driver();
        DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
      DatagramHandle socket = driver.backend.openDatagramSocket(StandardProtocolFamily.INET);
      socket.bind(new InetSocketAddress(Driver.LOOPBACK, 0));
      sender.bind(new InetSocketAddress(Driver.LOOPBACK, 0));
      List<byte[]> got = new ArrayList<>();
      List<SocketAddress> from = new ArrayList<>();
      List<IOException> errors = new ArrayList<>();
      socket.startReading(
          new DatagramHandler() {
            @Override
            public void onDatagram(ByteBuffer data, SocketAddress sender) {
              byte[] b = new byte[data.remaining()];
              data.get(b);
              got.add(b);
              from.add(sender);
            }

            @Override
            public void onError(IOException failure) {
              errors.add(failure);
            }
          });
      int count = 64;
      for (int i = 0; i < count; i++) {
        sender.send(ByteBuffer.wrap(bytes(i)), socket.localAddress());
      }
      driver.pollUntil(() -> got.size() == count || !errors.isEmpty(), "64 datagrams");
      assertEquals(List.of(), errors);
      for (int i = 0; i < count; i++) {
        assertArrayEquals(bytes(i), got.get(i), "datagram " + i);
        assertEquals(sender.getLocalAddress(), from.get(i));
      }
      assertTrue(
          driver.backend.datagrams().noBufferEnds > 0,
          "4 buffers for 64 datagrams: the kernel ended the receive with ENOBUFS at least once");
      socket.close();
    } finally {
      if (before == null) {
        System.clearProperty(IoUringDatagrams.BUFFERS_PROPERTY);
      } else {
        System.setProperty(IoUringDatagrams.BUFFERS_PROPERTY, before);
      }
    }
  }

  private static byte[] bytes(int i) {
    byte[] b = new byte[10 + i];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) (i * 7 + k);
    }
    return b;
  }
}
