package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Server;
import zloop.ServerOptions;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** Errors that are standard Java exceptions: refused, address in use, unknown host. */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class ConnectErrorsTest {

  /** A loopback port nobody listens on: bound, noted, closed. */
  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  @BackendTest
  void aRefusedConnectionIsAConnectException(String backend) throws IOException {
    int port = deadPort();
    try (EventLoop loop = Backends.open(backend)) {
      Recorder.Plain r = new Recorder.Plain(loop);
      Throwable e =
          awaitFailure(loop, loop.createConnection(() -> r, "127.0.0.1", port), "connect to a dead port");
      assertInstanceOf(ConnectException.class, e, "refused: " + e);
      String message = String.valueOf(e.getMessage());
      assertTrue(message.contains(String.valueOf(port)), "the message names the address: " + message);
      assertTrue(message.toLowerCase(Locale.ROOT).contains("refused"), "the message says refused: " + message);
      if (!backend.equals("nio")) {
        assertTrue(message.contains("ECONNREFUSED"), "a native backend's message carries the errno name: " + message);
      }
      assertEquals(0, r.madeCalls, "no protocol hears of a connection that never was");
      Net.spin(loop, 2);
      assertEquals(0, r.lostCalls);
    }
  }

  @BackendTest
  void aSecondServerOnTheSamePortIsABindException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server first = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      int port = port(first);
      try {
        // SO_REUSEADDR (the default) does not let two sockets listen on one port on Linux; only
        // SO_REUSEPORT would, and it is off.
        ServerOptions noReusePort = ServerOptions.DEFAULT.withReuseAddress(true).withReusePort(false);
        Throwable e =
            awaitFailure(
                loop, loop.createServer(Echo.Plain::new, "127.0.0.1", port, noReusePort), "a second server on " + port);
        assertInstanceOf(BindException.class, e, "address in use: " + e);
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(port)), "the message names the address: " + e.getMessage());
        assertTrue(first.isServing(), "the first server is untouched");
      } finally {
        shutdown(loop, first);
      }
      // Once the first server is closed, the port is free again at once (SO_REUSEADDR).
      Server again = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", port), "createServer again on " + port);
      assertEquals(port, port(again));
      shutdown(loop, again);
    }
  }

  @BackendTest
  void anUnknownHostIsAnUnknownHostException(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      // .invalid never resolves (RFC 2606).
      Throwable e =
          awaitFailure(
              loop,
              loop.createConnection(() -> new Recorder.Plain(loop), "no-such-host.invalid", 80),
              "connect to no-such-host.invalid");
      assertInstanceOf(UnknownHostException.class, e, "unknown host: " + e);
    }
  }

  /**
   * A name with several addresses that all refuse: ConnectException; with allErrors, every
   * attempt's error is attached (asyncio's "Multiple exceptions").
   */
  @BackendTest
  void everyAddressRefusingIsAConnectExceptionCarryingEachError(String backend) throws IOException {
    int port = deadPort();
    try (EventLoop loop = Backends.open(backend)) {
      int addresses = await(loop, loop.getAddrInfo("localhost", port), "getaddrinfo").size();
      Throwable e =
          awaitFailure(
              loop,
              loop.createConnection(
                  () -> new Recorder.Plain(loop), "localhost", port, zloop.ConnectOptions.DEFAULT.withAllErrors(true)),
              "connect to localhost:" + port);
      assertInstanceOf(ConnectException.class, e, "all refused: " + e);
      if (addresses > 1) {
        assertEquals(addresses, e.getSuppressed().length, "one error per address: " + e);
      }
    }
  }

  /** ConnectOptions.localAddress binds the client before it connects. */
  @BackendTest
  void aClientBindsToTheLocalAddressItIsGiven(String backend) throws IOException {
    int localPort = deadPort();
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0), "createServer");
      try {
        Recorder.Plain r = new Recorder.Plain(loop);
        InetSocketAddress local = new InetSocketAddress(Net.LOOPBACK4, localPort);
        var c =
            await(
                loop,
                loop.createConnection(() -> r, "127.0.0.1", port(server), zloop.ConnectOptions.DEFAULT.withLocalAddress(local)),
                "connect from " + local);
        assertEquals(local, c.transport().getExtraInfo("sockname"));
        c.transport().close();
        await(loop, r.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Happy eyeballs: a delay between attempts still connects (to whichever family answers). */
  @BackendTest
  void happyEyeballsConnectsToLocalhost(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, (String) null, 0), "createServer(all interfaces)");
      try {
        Recorder.Plain r = new Recorder.Plain(loop);
        r.expect(1);
        var c =
            await(
                loop,
                loop.createConnection(
                    () -> r, "localhost", port(server), zloop.ConnectOptions.DEFAULT.withHappyEyeballsDelay(java.time.Duration.ofMillis(250))),
                "connect to localhost with happy eyeballs");
        c.transport().write(new byte[] {42});
        await(loop, r.gotAll, "the echo");
        c.transport().close();
        await(loop, r.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }
}
