package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;
import static zloop.tests.net.Net.crc;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.UnixAddress;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Unix-domain stream sockets: filesystem paths everywhere, abstract names on Linux native backends. */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class UnixSocketTest {
  @TempDir Path dir;

  private static final int SIZE = 1 << 20;

  @BackendTest
  void echoOverAFilesystemSocket(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      UnixAddress address = UnixAddress.of(dir.resolve("echo.sock"));
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createUnixServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop) {
                      @Override
                      public void dataReceived(java.nio.ByteBuffer data) {
                        super.dataReceived(data.duplicate());
                        transport.write(data);
                      }
                    };
                    p.keepLimit = 0;
                    accepted.add(p);
                    return p;
                  },
                  address),
              "createUnixServer " + address);
      try {
        assertTrue(Files.exists(address.path()), "the socket file exists while the server listens");
        assertEquals(address, server.sockets().get(0).localAddress(), "the listener's address");
        echo(loop, address, accepted);
      } finally {
        shutdown(loop, server);
      }
      assertFalse(Files.exists(address.path()), "closing the server removes its socket file");
    }
  }

  @BackendTest
  void aStaleSocketFileIsReplaced(String backend) throws IOException {
    Path path = dir.resolve("stale.sock");
    // A socket file left behind by a process that did not clean up: bound, then closed.
    try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      old.bind(UnixDomainSocketAddress.of(path));
    }
    assertTrue(Files.exists(path), "the stale file exists");
    try (EventLoop loop = Backends.open(backend)) {
      UnixAddress address = UnixAddress.of(path);
      Server server = await(loop, loop.createUnixServer(Echo.Plain::new, address), "createUnixServer over a stale file");
      try {
        echo(loop, address, null);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void echoOverAnAbstractSocketOnLinuxNativeBackends(String backend) {
    boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux");
    boolean expectSupport = linux && !backend.equals("nio");
    try (EventLoop loop = Backends.open(backend)) {
      UnixAddress address = UnixAddress.ofAbstract("zloop-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      Future<Server> f;
      try {
        f = loop.createUnixServer(Echo.Plain::new, address);
      } catch (UnsupportedOperationException e) {
        assertTrue(!expectSupport, backend + " should support abstract names: " + e);
        assertMentionsAbstract(e);
        return;
      }
      if (!expectSupport) {
        Throwable e = awaitFailure(loop, f, "createUnixServer(abstract) on " + backend);
        assertInstanceOf(UnsupportedOperationException.class, e, "abstract names on " + backend + ": " + e);
        assertMentionsAbstract(e);
        return;
      }
      Server server = await(loop, f, "createUnixServer " + address);
      try {
        assertEquals(address, server.sockets().get(0).localAddress(), "the listener's abstract address");
        echo(loop, address, null);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  private static void assertMentionsAbstract(Throwable e) {
    assertNotNull(e.getMessage(), "a clear message");
    assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("abstract"), "the message says what is unsupported: " + e.getMessage());
  }

  private static void echo(EventLoop loop, UnixAddress address, List<Recorder.Plain> accepted) {
    byte[] data = Net.payload(SIZE, 12);
    Recorder.Plain r = new Recorder.Plain(loop);
    r.expect(SIZE);
    r.keepLimit = 0;
    Connection<Recorder.Plain> c = await(loop, loop.createUnixConnection(() -> r, address), "createUnixConnection " + address);
    assertEquals(address, c.transport().getExtraInfo("peername"), "the client's peername");
    c.transport().write(data);
    await(loop, r.gotAll, "the echo over " + address);
    assertEquals(crc(data), r.crcValue(), "CRC32 of the echo");
    if (accepted != null) {
      Recorder.Plain srv = accepted.get(0);
      assertEquals(address, srv.transport.getExtraInfo("sockname"), "the server side's sockname");
      assertEquals(crc(data), srv.crcValue(), "CRC32 at the server");
    }
    c.transport().close();
    assertNull(await(loop, r.lost, "connectionLost"));
    assertEquals(SIZE, r.received);
  }
}
