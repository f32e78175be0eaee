package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import zloop.UnixAddress;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.test.support.AcceptRecorder;
import zloop.test.support.OpenFds;
import zloop.test.support.FdLimit;
import zloop.test.support.Pipe;
import zloop.test.support.SpiDriver;
import zloop.test.support.StreamRecorder;

/**
 * Stream sockets on the epoll backend over loopback TCP and Unix sockets, driven through the SPI.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class EpollSocketTest {

  private static final InetSocketAddress LOOPBACK4 =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private SpiDriver h;

  @BeforeEach
  void open() throws IOException {
    h = new SpiDriver(new EpollBackendProvider());
  }

  @AfterEach
  void close() {
    h.close();
  }

  // ------------------------------------------------------------------ echo

  @Test
  void unixAbstractEchoBothWays() throws IOException {
    UnixAddress address = UnixAddress.ofAbstract("zloop-test-" + ProcessHandle.current().pid());
    SocketHandle listener = h.listen(SocketKind.UNIX, address);
    assertEquals(address, listener.localAddress());
    SpiDriver.Connection c = h.connect(SocketKind.UNIX, listener);
    echo(c);
    assertEquals(address, c.client().remoteAddress());
  }

  /** The server echoes what it gets from the view it is given; then it speaks first. */
  private void echo(SpiDriver.Connection c) throws IOException {
    StreamRecorder client = StreamRecorder.of(c.client());
    StreamRecorder server = StreamRecorder.of(c.server());
    server.onData = data -> server.write(ByteBuffer.allocate(data.remaining()).put(data).flip());
    client.socket.startReading();
    server.socket.startReading();

    client.write("hello");
    h.pollUntil("the echo", () -> client.received == 5);
    assertEquals("hello", client.text());
    assertEquals("hello", server.text());

    server.write("world");
    h.pollUntil("the server's bytes", () -> client.received == 10);
    assertEquals("helloworld", client.text());
    assertEquals(0, client.eofs + server.eofs);
    assertEquals(List.of(), client.errors);
    assertEquals(List.of(), server.errors);
  }

  // ------------------------------------------------------------------ failures

  @Test
  void bindingAPortInUseIsABindException() throws IOException {
    SocketHandle first = h.listen(SocketKind.TCP4, LOOPBACK4);
    SocketHandle second = h.backend.openSocket(SocketKind.TCP4);
    BindException e = assertThrows(BindException.class, () -> second.bind(first.localAddress()));
    assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
  }

  @Test
  void pausedSocketWithAResetPeerDoesNotSpin() throws IOException {
    SpiDriver.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    StreamRecorder server = StreamRecorder.of(c.server());
    server.socket.startReading();
    server.socket.stopReading();
    c.client().setOption(StandardSocketOptions.SO_LINGER, 0);
    c.client().close(); // EPOLLHUP|EPOLLERR, which epoll reports whatever the interest

    for (int i = 0; i < 5; i++) {
      assertEquals(0, h.backend.poll(0), "a paused socket must not wake the loop");
    }
    assertEquals(List.of(), server.calls);

    server.socket.startReading();
    h.pollUntil("the reset", () -> !server.errors.isEmpty());
    assertInstanceOf(SocketException.class, server.errors.get(0));
  }

  // ------------------------------------------------------------------ other operations

  @Test
  void sendfileMovesAFile(@TempDir Path dir) throws IOException {
    byte[] content = new byte[3 << 20];
    new SplittableRandom(7).nextBytes(content);
    Path file = Files.write(dir.resolve("data"), content);
    SpiDriver.Connection c = h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
    StreamRecorder receiver = StreamRecorder.of(c.server());
    receiver.socket.startReading();

    long offset = 1000;
    SendFile open = h.backend.openFileForSending(file);
    long[] sent = {0};
    Runnable[] step = new Runnable[1];
    step[0] =
        () -> {
          try {
            while (sent[0] < content.length - offset) {
              long position = offset + sent[0];
              long n = c.client().sendfileNow(open, position, content.length - position);
              if (n == 0) {
                c.client().awaitWritable(step[0]);
                return;
              }
              sent[0] += n;
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    step[0].run();
    h.pollUntil("the file", () -> receiver.received == content.length - offset);
    assertArrayEquals(Arrays.copyOfRange(content, (int) offset, content.length), receiver.bytes());

    assertThrows(EOFException.class, () -> c.client().sendfileNow(open, content.length, 10));
    assertTrue(OpenFds.anyOpen(file), "the engine's open file stays open until it closes it");
    open.close();
    assertThrows(IOException.class, () -> h.backend.openFileForSending(dir.resolve("missing")));
    assertFalse(OpenFds.anyOpen(file), "sendfile left the file open");
  }

  @Test
  void acceptingOutOfDescriptorsIsResourceExhaustion() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    List<IOException> outcome = new ArrayList<>();
    h.backend.openSocket(SocketKind.TCP4).connect(listener.localAddress(), outcome::add);
    h.pollUntil("connect", () -> outcome.size() == 1);
    AcceptRecorder accepted = h.accept(listener);
    boolean[] exhausted = {false};
    AcceptHandler stopOnExhaustion =
        new AcceptHandler() {
          @Override
          public void onAccept(SocketHandle s) {
            accepted.onAccept(s);
          }

          @Override
          public void onAcceptError(IOException failure, boolean resourceExhausted) {
            accepted.onAcceptError(failure, resourceExhausted);
            exhausted[0] = resourceExhausted;
            listener.stopAccepting(); // as the engine does, retrying later
          }
        };
    listener.startAccepting(stopOnExhaustion);
    int lowestFree;
    try (Pipe probe = new Pipe()) {
      lowestFree = probe.readFd;
    }
    FdLimit limit = new FdLimit(lowestFree);
    try {
      h.backend.poll(5_000_000_000L);
    } finally {
      limit.close();
    }
    assertEquals(1, accepted.errors.size(), () -> "accepted " + accepted.sockets);
    assertTrue(accepted.errors.get(0).getMessage().contains("EMFILE"));
    assertTrue(exhausted[0], "EMFILE is exhaustion, not a broken listener");
    pollIdle(); // stopped: the waiting connection does not spin the loop

    listener.startAccepting(accepted);
    h.pollUntil("the accept once descriptors are back", () -> accepted.sockets.size() == 1);
  }

  @Test
  void acceptingOnASocketThatDoesNotListenFailsOnce() throws IOException {
    SocketHandle notListening = h.backend.openSocket(SocketKind.TCP4);
    AcceptRecorder accepted = h.accept(notListening);
    h.pollUntil("the error", () -> !accepted.errors.isEmpty());
    pollIdle();
    assertEquals(1, accepted.errors.size());
    assertTrue(accepted.errors.get(0).getMessage().contains("EINVAL"));
  }

  @Test
  void optionsAreTheKernels() throws IOException {
    SocketHandle s = h.backend.openSocket(SocketKind.TCP4);
    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
    assertEquals(true, s.getOption(StandardSocketOptions.TCP_NODELAY));
    s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    assertEquals(true, s.getOption(StandardSocketOptions.SO_KEEPALIVE));
    assertThrows(
        UnsupportedOperationException.class,
        () -> s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true));
    assertNull(s.localAddress(), "unbound");
    assertNull(s.remoteAddress(), "unconnected");
    s.close();
    assertThrows(SocketException.class, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, true));
  }

  @Test
  void closingTheBackendClosesItsSockets() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    SpiDriver.Connection c = h.connect(SocketKind.TCP4, listener);
    StreamRecorder.of(c.server()).socket.startReading();
    h.backend.openSocket(SocketKind.UNIX);
    assertEquals(4, ((EpollBackend) h.backend).registrations());
    // SpiDriver.close() closes the backend only, then checks every descriptor was released.
    assertNotNull(c.client());
  }

  /** Polls a few times without waiting; nothing may be dispatched. */
  private void pollIdle() throws IOException {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, h.backend.poll(0), "events for a socket that should be quiet");
    }
  }
}
