package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.DatagramEndpoint;
import zloop.DatagramOptions;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.ReceivedDatagram;
import zloop.UnixAddress;
import zloop.WriteBufferLimits;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Unix datagram sockets, on a filesystem path and on a Linux abstract name, and write flow
 * control: a Unix datagram socket is the one place the kernel makes a sender wait for a slow
 * receiver (its queue holds {@code net.unix.max_dgram_qlen} datagrams), so it is where {@code
 * pauseWriting} and {@code resumeWriting} can be driven for certain. The nio backend has no Unix
 * datagrams (the JDK's {@code DatagramChannel} is IP only): it refuses them with a clear error.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class UnixDatagramTest {
  @TempDir Path dir;

  private static final int COUNT = 1000;

  /** Whether the backend has Unix datagrams; on nio, checks that it says why not. */
  private static boolean supported(EventLoop loop, String backend, SocketAddress address) {
    if (!backend.equals("nio")) {
      return true;
    }
    Future<?> f = loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), address, null, null);
    Throwable e = awaitFailure(loop, f, "a Unix datagram endpoint on nio");
    assertInstanceOf(UnsupportedOperationException.class, e, e.toString());
    assertTrue(e.getMessage().contains("Unix"), e.getMessage());
    return false;
  }

  @BackendTest
  void echoOverFilesystemPaths(String backend) throws IOException {
    Path serverPath = dir.resolve("server.sock");
    Files.writeString(serverPath, ""); // a regular file there is not removed: bind fails on it
    try (EventLoop loop = Backends.open(backend)) {
      if (!supported(loop, backend, UnixAddress.of(serverPath))) {
        return;
      }
      Throwable busy =
          awaitFailure(
              loop,
              loop.createDatagramEndpoint(() -> new DatagramRecorder(loop), UnixAddress.of(serverPath), null, null),
              "binding over a regular file");
      assertInstanceOf(IOException.class, busy);
      Files.delete(serverPath);
      echo(loop, UnixAddress.of(serverPath), UnixAddress.of(dir.resolve("client.sock")));
      assertTrue(Files.exists(serverPath), "the socket file stays after close (asyncio neither removes it)");
      // A stale socket file is replaced by the next endpoint, as asyncio does.
      echo(loop, UnixAddress.of(serverPath), UnixAddress.of(dir.resolve("client.sock")));
    }
  }

  @BackendTest
  void echoOverAbstractNames(String backend) throws IOException {
    String base = "zloop-dgram-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (EventLoop loop = Backends.open(backend)) {
      if (!supported(loop, backend, UnixAddress.ofAbstract(base + "-s"))) {
        return;
      }
      echo(loop, UnixAddress.ofAbstract(base + "-s"), UnixAddress.ofAbstract(base + "-c"));
    }
  }

  private static void echo(EventLoop loop, UnixAddress server, UnixAddress client) {
    DatagramRecorder echoer = new DatagramRecorder(loop);
    echoer.echo = true;
    DatagramEndpoint<DatagramRecorder> s =
        await(loop, loop.createDatagramEndpoint(() -> echoer, server, null, null), "server " + server);
    DatagramRecorder r = new DatagramRecorder(loop);
    DatagramEndpoint<DatagramRecorder> c =
        await(loop, loop.createDatagramEndpoint(() -> r, client, server, null), "client " + client);
    assertEquals(server, s.transport().getExtraInfo("sockname"));
    assertEquals(server, c.transport().getExtraInfo("peername"));
    long sent = 0;
    for (int i = 0; i < COUNT; i++) {
      ByteBuffer d = DatagramEchoTest.datagram(i);
      sent += DatagramEchoTest.crc(d);
      c.transport().send(d); // Unix datagrams are never dropped: the sender waits instead
    }
    await(loop, r.expect(COUNT), "the echoes");
    long echoed = 0;
    for (int i = 0; i < COUNT; i++) {
      DatagramRecorder.Received d = r.datagrams.get(i);
      assertEquals(server, d.from(), "the echo's sender");
      assertEquals(i, ByteBuffer.wrap(d.data()).getInt(), "in order");
      echoed += DatagramEchoTest.crc(ByteBuffer.wrap(d.data()));
    }
    assertEquals(sent, echoed, "CRC32s of what was sent and echoed");
    assertEquals(client, echoer.datagrams.get(0).from(), "the server sees the client's name");
    c.transport().close();
    s.transport().close();
    assertNull(await(loop, r.lost, "client connectionLost"));
    assertNull(await(loop, echoer.lost, "server connectionLost"));
  }

  @BackendTest
  void writingPausesWhileTheReceiverIsFullAndResumesAsItDrains(String backend) throws IOException {
    UnixAddress receiverAddress = UnixAddress.of(dir.resolve("slow.sock"));
    try (EventLoop loop = Backends.open(backend)) {
      if (!supported(loop, backend, receiverAddress)) {
        return;
      }
      NetSocket receiver = loop.openDatagramSocket(StandardProtocolFamily.UNIX);
      try {
        receiver.bind(receiverAddress);
        DatagramRecorder r = new DatagramRecorder(loop);
        DatagramEndpoint<DatagramRecorder> e =
            await(
                loop,
                loop.createDatagramEndpoint(
                    () -> r, null, receiverAddress, DatagramOptions.DEFAULT.withFamily(StandardProtocolFamily.UNIX)),
                "the sender");
        e.transport().setWriteBufferLimits(new WriteBufferLimits(2_000, 500));
        assertEquals(new WriteBufferLimits(2_000, 500), e.transport().getWriteBufferLimits());
        int size = 100;
        // Nobody reads: the kernel takes a few datagrams, the transport buffers the rest.
        int total = 0;
        while (r.pauseCalls == 0 && total < 200) {
          e.transport().send(numbered(total++, size));
        }
        assertEquals(1, r.pauseCalls, "pauseWriting once the buffer passed the high watermark");
        long buffered = e.transport().getWriteBufferSize();
        assertTrue(buffered > 2_000, "buffered over the high watermark: " + buffered);
        assertEquals(0, buffered % (size + 8), "each buffered datagram weighs its bytes plus 8: " + buffered);
        // Close with datagrams buffered: they are all sent before connectionLost.
        e.transport().close();
        assertEquals(0, r.lostCalls);
        for (int i = 0; i < total; i++) {
          ReceivedDatagram d = await(loop, loop.sockRecvFrom(receiver, 1000), "datagram " + i);
          assertEquals(size, d.size());
          assertEquals(i, d.data().getInt(0), "in order, none lost");
        }
        assertNull(await(loop, r.lost, "connectionLost after the buffer drained"));
        assertEquals(1, r.resumeCalls, "resumeWriting once it drained to the low watermark");
        assertEquals(0, e.transport().getWriteBufferSize());
        assertEquals(List.of("made", "pause", "resume", "lost"), r.events);
      } finally {
        receiver.close();
      }
    }
  }

  private static ByteBuffer numbered(int i, int size) {
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(0, i);
    return b;
  }
}
