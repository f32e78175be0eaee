package zloop.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.commons.support.ReflectionSupport;
import zloop.BackendStatus;
import zloop.UnixAddress;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * The rules of the backend SPI ({@link Backend}, {@link SocketHandle} and their handlers, as their
 * javadoc states them), proved once for every backend. A backend's test module subclasses it with
 * its provider and nothing else, so a rule is written once and a new backend gets every check:
 *
 * <pre>{@code
 * class EpollContractTest extends BackendContract {
 *   protected BackendProvider provider() { return new EpollBackendProvider(); }
 * }
 * }</pre>
 *
 * <p>Each test drives a fresh backend through the SPI alone, the way the engine does, over real
 * loopback sockets; it ends by closing the backend and checking that nothing was reported to the
 * loop and every descriptor was released. A backend the host cannot run is reported skipped with
 * its provider's reason. Reports name the backend: {@code [epoll] endOfStreamIsReportedOnce}.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
@DisplayNameGeneration(BackendContract.BackendNames.class)
public abstract class BackendContract {

  private static final InetSocketAddress LOOPBACK4 =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private SpiDriver h;

  /** The backend under test. Must be cheap: it is also asked for its name to label reports. */
  protected abstract BackendProvider provider();

  /**
   * Why this backend cannot watch raw file descriptors ({@link Backend#watchFd}), or {@code null}
   * (the default) if it can. When set, the fd-watching tests are skipped with this reason and
   * {@code watchFd} must refuse with {@link UnsupportedOperationException}.
   */
  protected String noFdWatching() {
    return null;
  }

  @BeforeEach
  final void openBackend() throws IOException {
    BackendProvider provider = provider();
    BackendStatus status = provider.status();
    assumeTrue(status.available(), () -> provider.name() + " cannot run here: " + status.reason());
    h = new SpiDriver(provider);
  }

  @AfterEach
  final void closeBackend() {
    if (h != null) {
      h.close();
    }
  }

  // ------------------------------------------------------------------ connecting

  /** ConnectHandler: called once, from a later poll, with a ConnectException when refused. */
  @Test
  void refusedConnectIsReportedOnceThroughTheHandler() throws IOException {
    SocketHandle gone = h.listen(SocketKind.TCP4, LOOPBACK4);
    SocketAddress nobody = gone.localAddress();
    gone.close();

    SocketHandle client = h.backend.openSocket(SocketKind.TCP4);
    List<IOException> outcome = new ArrayList<>();
    client.connect(nobody, outcome::add);
    assertEquals(List.of(), outcome, "never from inside connect");
    h.pollUntil("the refusal", () -> !outcome.isEmpty());
    h.pollAWhile(); // a failed connect reports nothing more
    assertEquals(1, outcome.size(), () -> "reported more than once: " + outcome);
    assertInstanceOf(ConnectException.class, outcome.get(0));
    client.close();
  }

  /**
   * A connect the kernel refuses at once (a Unix path nobody listens on: ENOENT, not EINPROGRESS)
   * is reported like any other outcome: through the handler, once, from a later poll, never thrown
   * from {@code connect}.
   */
  @Test
  void aConnectRefusedAtOnceIsReportedThroughTheHandlerToo(@TempDir Path dir) throws IOException {
    SocketHandle client = h.backend.openSocket(SocketKind.UNIX);
    List<IOException> outcome = new ArrayList<>();
    client.connect(UnixAddress.of(dir.resolve("nobody")), outcome::add);
    assertEquals(List.of(), outcome, "never from inside connect");
    h.pollUntil("the refusal", () -> !outcome.isEmpty());
    h.pollAWhile(); // a failed connect reports nothing more
    assertEquals(1, outcome.size(), () -> "reported more than once: " + outcome);
    client.close();
  }

  @Test
  void tcp4EchoesBothWaysBetweenKnownAddresses() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    SpiDriver.Connection c = h.connect(SocketKind.TCP4, listener);
    echo(c);
    InetSocketAddress server = (InetSocketAddress) listener.localAddress();
    assertEquals(InetAddress.getLoopbackAddress(), server.getAddress());
    assertNotEquals(0, server.getPort());
    assertEquals(server, c.client().remoteAddress());
    assertEquals(server, c.server().localAddress());
    assertEquals(c.client().localAddress(), c.server().remoteAddress());
  }

  @Test
  void tcp6EchoesBothWays() throws IOException {
    SocketHandle listener;
    try {
      listener = h.listen(SocketKind.TCP6, new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
    } catch (IOException e) {
      abort("no IPv6 loopback on this host: " + e.getMessage());
      return;
    }
    SpiDriver.Connection c = h.connect(SocketKind.TCP6, listener);
    echo(c);
    assertEquals(listener.localAddress(), c.client().remoteAddress());
    assertEquals(c.client().localAddress(), c.server().remoteAddress());
  }

  @Test
  void unixPathEchoesBothWaysAndOnlyTheListenerHasAName(@TempDir Path dir) throws IOException {
    UnixAddress address = UnixAddress.of(dir.resolve("echo.sock"));
    SocketHandle listener = h.listen(SocketKind.UNIX, address);
    assertEquals(address, listener.localAddress());
    SpiDriver.Connection c = h.connect(SocketKind.UNIX, listener);
    echo(c);
    assertEquals(address, c.client().remoteAddress());
    assertEquals(address, c.server().localAddress());
    assertNull(c.client().localAddress(), "an unnamed Unix socket has no address");
    assertNull(c.server().remoteAddress(), "its peer is unnamed");
  }

  /** The server echoes what it is given; then it speaks first. */
  private void echo(SpiDriver.Connection c) throws IOException {
    StreamRecorder client = StreamRecorder.of(c.client());
    StreamRecorder server = StreamRecorder.of(c.server());
    server.onData = data -> server.write(copy(data));
    client.socket.startReading();
    server.socket.startReading();

    client.write("hello");
    h.pollUntil("the echo", () -> client.received == 5);
    server.write("world");
    h.pollUntil("the server's own bytes", () -> client.received == 10);
    assertEquals("hello", server.text());
    assertEquals("helloworld", client.text());
    assertEquals(List.of(), client.errors);
    assertEquals(List.of(), server.errors);
    assertEquals(0, client.eofs + server.eofs);
  }

  // ------------------------------------------------------------------ reading

  /** StreamHandler.onEof: once, and reading stops (startReading after it changes nothing). */
  @Test
  void endOfStreamIsReportedOnceAndReadingStops() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder server = StreamRecorder.of(c.server());
    StreamRecorder client = StreamRecorder.of(c.client());
    server.socket.startReading();
    send(client, "bye");
    c.client().close();

    h.pollUntil("end of stream", () -> server.eofs == 1);
    assertEquals("bye", server.text());
    h.pollAWhile();
    server.socket.startReading();
    h.pollAWhile();
    assertEquals(1, server.eofs, "end of stream reported once");
    assertEquals(3, server.received, "nothing delivered after the end of stream");
    assertEquals(List.of(), server.errors);
  }

  /** SocketHandle.shutdownOutput: the peer reads end of stream; the other direction goes on. */
  @Test
  void shutdownOutputGivesThePeerEndOfStreamOnly() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder client = StreamRecorder.of(c.client());
    StreamRecorder server = StreamRecorder.of(c.server());
    client.socket.startReading();
    server.socket.startReading();
    client.socket.shutdownOutput();
    h.pollUntil("the server's end of stream", () -> server.eofs == 1);
    server.write("still open");
    h.pollUntil("the reply", () -> client.received == 10);
    assertEquals("still open", client.text());
    assertEquals(0, client.eofs);
    assertEquals(List.of(), client.errors);
  }

  /** stopReading holds what arrives until startReading, in order, end of stream last. */
  @Test
  void stopReadingHoldsBytesUntilStartReading() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder client = StreamRecorder.of(c.client());
    StreamRecorder server = StreamRecorder.of(c.server());
    server.socket.startReading();
    client.write("one,");
    h.pollUntil("the first bytes", () -> server.received == 4);

    server.socket.stopReading();
    server.socket.stopReading(); // idempotent
    send(client, "two,");
    send(client, "three");
    client.socket.shutdownOutput();
    h.pollAWhile();
    assertEquals("one,", server.text(), "nothing delivered while stopped");
    assertEquals(0, server.eofs);

    server.socket.startReading();
    server.socket.startReading(); // idempotent
    h.pollUntil("the held bytes, then end of stream", () -> server.eofs == 1);
    assertEquals("one,two,three", server.text());
  }

  /** stopReading from inside a delivery: nothing more is delivered in that poll or later. */
  @Test
  void stopReadingInsideADeliveryHoldsTheRest() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder client = StreamRecorder.of(c.client());
    StreamRecorder server =
        StreamRecorder.readingInto(c.server(), ByteBuffer.allocate(10), true); // 3 bytes a read
    server.onData = data -> server.socket.stopReading();
    server.socket.startReading();
    client.write("abcdefgh");

    for (int round = 0; round < 3; round++) {
      long before = server.received;
      h.pollUntil("the next bytes", () -> server.received > before);
      h.pollAWhile();
      assertEquals(Math.min(before + 3, 8), server.received, "one delivery per startReading");
      server.socket.startReading();
    }
    assertEquals("abcdefgh", server.text());
  }

  // ------------------------------------------------------------------ writing

  /** awaitWritable: once, from a later poll. */
  @Test
  void awaitWritableFiresOnceFromALaterPoll() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder.of(c.client());
    int[] calls = {0};
    c.client().awaitWritable(() -> calls[0]++);
    assertEquals(0, calls[0], "never from inside the call");
    h.pollUntil("writable", () -> calls[0] == 1);
    h.pollAWhile();
    assertEquals(1, calls[0]);
  }

  @Test
  void largeTransferIntoTheBackendsBuffer() throws IOException {
    largeTransfer(null);
  }

  @Test
  void largeTransferIntoADirectProtocolBuffer() throws IOException {
    largeTransfer(ByteBuffer.allocateDirect(64 * 1024));
  }

  @Test
  void largeTransferIntoAHeapProtocolBuffer() throws IOException {
    largeTransfer(ByteBuffer.allocate(64 * 1024));
  }

  /**
   * 16 MiB in thousands of heap and direct buffers through writeNow, then flush and onWritten:
   * every byte is accounted for once (writeNow's count plus onWritten's sum), arrives intact, and
   * the reader sees the end of stream once.
   */
  private void largeTransfer(ByteBuffer protocolBuffer) throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder sender = StreamRecorder.counting(c.client());
    StreamRecorder receiver =
        protocolBuffer == null
            ? StreamRecorder.counting(c.server())
            : StreamRecorder.readingInto(c.server(), protocolBuffer, false);
    receiver.socket.startReading();

    byte[] data = new byte[16 << 20];
    new SplittableRandom(42).nextBytes(data);
    CRC32 expected = new CRC32();
    expected.update(data);
    sender.write(chunks(data));

    h.pollUntil("16 MiB", () -> receiver.received == data.length || !receiver.errors.isEmpty());
    assertEquals(List.of(), receiver.errors);
    assertEquals(expected.getValue(), receiver.crc.getValue());
    h.pollUntil("the last onWritten", () -> sender.queue.isEmpty());
    assertEquals(data.length, sender.written, "writeNow plus onWritten count every byte once");

    c.client().close();
    h.pollUntil("end of stream", () -> receiver.eofs == 1);
    h.pollAWhile();
    assertEquals(1, receiver.eofs);
  }

  /** 2000 tiny buffers, then heap and direct ones of assorted sizes. */
  private static ByteBuffer[] chunks(byte[] data) {
    List<ByteBuffer> out = new ArrayList<>();
    int at = 0;
    int[] sizes = {100_000, 65_536, 7, 300_000, 1};
    for (int i = 0; at < data.length; i++) {
      int size = Math.min(i < 2000 ? 1 + i % 17 : sizes[i % sizes.length], data.length - at);
      out.add(
          i % 2 == 0
              ? ByteBuffer.wrap(data, at, size).slice()
              : ByteBuffer.allocateDirect(size).put(data, at, size).flip());
      at += size;
    }
    return out.toArray(ByteBuffer[]::new);
  }

  /** StreamHandler.onError: once, then nothing more for the socket until it is closed. */
  @Test
  void peerResetMidWriteIsOneErrorThenQuiet() throws IOException {
    SpiDriver.Connection c = connectTcp4();
    StreamRecorder server = StreamRecorder.of(c.server());
    server.write(ByteBuffer.allocateDirect(16 << 20)); // far more than the socket buffers hold
    h.pollAWhile();
    assertFalse(server.queue.isEmpty(), "the kernel took all 16 MiB");

    c.client().setOption(StandardSocketOptions.SO_LINGER, 0);
    c.client().close(); // with unread data and linger 0: a reset

    h.pollUntil("the write error", () -> !server.errors.isEmpty());
    int callsAtError = server.calls.size();
    h.pollAWhile();
    assertInstanceOf(SocketException.class, server.errors.get(0));
    assertEquals(1, server.errors.size(), () -> "errors: " + server.errors);
    assertEquals(
        callsAtError,
        server.calls.size(),
        () -> "calls after the error: " + server.calls.subList(callsAtError, server.calls.size()));
  }

  // ------------------------------------------------------------------ accepting

  /**
   * A backend accepts a bounded batch per poll (its own bound) and comes back for the rest:
   * every waiting connection is accepted exactly once.
   */
  @Test
  void everyWaitingConnectionIsAcceptedExactlyOnce() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    try (Peers peers = new Peers()) {
      Set<SocketAddress> clients = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        clients.add(peers.connect(listener.localAddress()).getLocalSocketAddress());
      }
      AcceptRecorder accepted = h.accept(listener);
      h.pollUntil("300 accepts", () -> accepted.sockets.size() >= clients.size());
      h.pollAWhile();
      assertEquals(List.of(), accepted.errors);
      assertEquals(clients.size(), accepted.sockets.size(), "accepted more than once");
      Set<SocketAddress> remotes = new HashSet<>();
      for (SocketHandle s : accepted.sockets) {
        assertTrue(s.isOpen());
        remotes.add(s.remoteAddress());
      }
      assertEquals(clients, remotes);
    }
  }

  /** stopAccepting: connections wait (in the backlog or held) until accepting starts again. */
  @Test
  void stopAcceptingLeavesConnectionsWaiting() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    AcceptRecorder accepted = h.accept(listener);
    h.backend.poll(0);
    listener.stopAccepting();
    listener.stopAccepting(); // idempotent
    try (Peers peers = new Peers()) {
      Socket peer = peers.connect(listener.localAddress());
      h.pollAWhile();
      assertEquals(List.of(), accepted.sockets, "nothing is accepted while stopped");
      listener.startAccepting(accepted);
      h.pollUntil("the waiting connection", () -> accepted.sockets.size() == 1);
      assertEquals(peer.getLocalSocketAddress(), accepted.sockets.get(0).remoteAddress());
    }
  }

  // ------------------------------------------------------------------ closing

  /**
   * SocketHandle: handlers are never called after close() returned, whatever was pending (bytes
   * to read, a flush, awaitWritable, a connect, waiting connections).
   */
  @Test
  void closingWithOperationsPendingReportsNothingAfterwards() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    SpiDriver.Connection c = h.connect(SocketKind.TCP4, listener);
    boolean[] closed = {false};
    StreamRecorder server = StreamRecorder.of(c.server()); // fails on any call after close
    server.socket.startReading();
    server.write(ByteBuffer.allocateDirect(16 << 20)); // a flush under way
    server.socket.awaitWritable(
        () -> {
          if (closed[0]) {
            fail("awaitWritable after close");
          }
        });
    h.accept(listener); // its recorder fails on any call after close
    SocketHandle connecting = h.backend.openSocket(SocketKind.TCP4);
    connecting.connect(
        listener.localAddress(),
        f -> {
          if (closed[0]) {
            fail("onConnect after close: " + f);
          }
        });
    try (Peers waiting = new Peers()) {
      waiting.connect(listener.localAddress());
      StreamRecorder.of(c.client()).write("unread");
      h.backend.poll(0); // whatever can be armed is armed

      c.server().close();
      connecting.close();
      listener.close();
      closed[0] = true;
      assertFalse(c.server().isOpen());
      assertEquals(-1, c.server().fd());
      c.server().close(); // idempotent
      h.pollAWhile();
    }
  }

  /**
   * The race slot generations exist for: one poll holds events for A and B; A's handler closes B
   * and opens C, which gets B's descriptor number (and, in a table reusing freed slots, B's slot).
   * B's event must be dropped, never delivered to C (nor to B, closed). C listens, with a
   * connection already waiting, so that B's readiness delivered to it would show as an accept in
   * that same poll, before C's own readiness could have been learned.
   */
  @Test
  void aSocketReusingAClosedSocketsDescriptorHearsNothingOfItsEvent() throws IOException {
    SocketHandle listener = h.listen(SocketKind.TCP4, LOOPBACK4);
    AcceptRecorder accepted = h.accept(listener);
    List<AcceptRecorder> replacement = new ArrayList<>();
    try (Peers peers = new Peers()) {
      Socket peerA = peers.connect(listener.localAddress());
      Socket peerB = peers.connect(listener.localAddress());
      h.pollUntil("both accepted", () -> accepted.sockets.size() == 2);
      listener.stopAccepting();

      int[] closedFd = {-1};
      StreamRecorder[] servers = new StreamRecorder[2];
      for (int i = 0; i < 2; i++) {
        SocketHandle other = accepted.sockets.get(1 - i);
        StreamRecorder mine = StreamRecorder.of(accepted.sockets.get(i));
        mine.onData =
            data -> {
              if (!replacement.isEmpty()) {
                return;
              }
              closedFd[0] = other.fd();
              other.close();
              try {
                SocketHandle c = h.listen(SocketKind.TCP4, LOOPBACK4);
                replacement.add(h.accept(c));
                peers.connect(c.localAddress()); // waits in C's backlog
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            };
        mine.socket.startReading();
        servers[i] = mine;
      }
      h.pollAWhile(); // reads armed, nothing to read yet
      peerA.getOutputStream().write('a');
      peerB.getOutputStream().write('b');

      h.pollUntil("a delivery", () -> !replacement.isEmpty()); // returns after that very poll
      AcceptRecorder c = replacement.get(0);
      if (closedFd[0] >= 0) {
        assertEquals(closedFd[0], c.listener.fd(), "precondition: C reuses B's descriptor number");
      }
      assertEquals(List.of(), c.sockets, "C accepted in the poll that created it: B's event");
      assertEquals(List.of(), c.errors, "C heard of B's event");
      h.pollAWhile();
      assertEquals(1, servers[0].received + servers[1].received, "B heard after its close");
      h.pollUntil("C's own accept", () -> c.sockets.size() == 1);
      assertEquals(peers.all().get(2).getLocalSocketAddress(), c.sockets.get(0).remoteAddress());
    }
  }

  // ------------------------------------------------------------------ watching descriptors

  @Test
  void watchedReadEndIsReadableOnlyOnceWritten() throws IOException {
    requireFdWatching();
    try (Pipe pipe = new Pipe()) {
      List<Integer> ready = new ArrayList<>();
      h.backend.watchFd(pipe.readFd, Backend.READABLE, (fd, bits) -> ready.add(bits));
      h.pollAWhile();
      assertEquals(List.of(), ready, "an empty pipe is not readable");
      pipe.writeByte();
      h.pollUntil("readable", () -> !ready.isEmpty());
      assertEquals(Backend.READABLE, (int) ready.get(0));
      h.backend.watchFd(pipe.readFd, 0, null);
    }
  }

  /** Level-triggered, as asyncio's readers are: reported every turn while bytes wait. */
  @Test
  void watchedReaderIsCalledEveryTurnWhileBytesWaitAndNeverAfterInterestZero() throws IOException {
    requireFdWatching();
    try (Pipe pipe = new Pipe()) {
      List<Integer> ready = new ArrayList<>();
      Backend.FdHandler handler = (fd, bits) -> ready.add(bits);
      h.backend.watchFd(pipe.readFd, Backend.READABLE, handler);
      pipe.writeByte();
      h.pollUntil("three reports of the same unread byte", () -> ready.size() >= 3);
      assertTrue(ready.stream().allMatch(b -> b == Backend.READABLE), ready::toString);

      h.backend.watchFd(pipe.readFd, 0, null);
      int seen = ready.size();
      h.pollAWhile();
      assertEquals(seen, ready.size(), "a report after interest 0");
      h.backend.watchFd(pipe.readFd, 0, null); // not watched: nothing to do
    }
  }

  @Test
  void watchedWriteEndIsWritableAndInterestCanChange() throws IOException {
    requireFdWatching();
    try (Pipe pipe = new Pipe()) {
      List<Integer> ready = new ArrayList<>();
      Backend.FdHandler handler = (fd, bits) -> ready.add(bits);
      h.backend.watchFd(pipe.writeFd, Backend.READABLE, handler);
      h.pollAWhile();
      assertEquals(List.of(), ready, "a pipe's write end never reads");
      h.backend.watchFd(pipe.writeFd, Backend.READABLE | Backend.WRITABLE, handler);
      h.pollUntil("writable", () -> !ready.isEmpty());
      assertEquals(Backend.WRITABLE, (int) ready.get(0));
      h.backend.watchFd(pipe.writeFd, 0, null);
    }
  }

  @Test
  void watchingAClosedDescriptorIsRefusedAtOnce() {
    requireFdWatching();
    int stale;
    try (Pipe closed = new Pipe()) {
      stale = closed.readFd;
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> h.backend.watchFd(stale, Backend.READABLE, (fd, bits) -> fail("called")));
  }

  /**
   * Bad arguments are refused before anything is watched: unknown interest bits once armed an
   * io_uring poll for no events, and a null handler failed only when the descriptor became ready,
   * inside the loop.
   */
  @Test
  void watchFdRefusesBadArgumentsBeforeWatchingAnything() throws IOException {
    requireFdWatching();
    try (Pipe p = new Pipe()) {
      int fd = p.readFd;
      assertThrows(
          IllegalArgumentException.class,
          () -> h.backend.watchFd(-1, Backend.READABLE, (f, bits) -> fail("called")));
      assertThrows(
          IllegalArgumentException.class,
          () -> h.backend.watchFd(fd, 4, (f, bits) -> fail("called")),
          "unknown interest bits");
      assertThrows(
          NullPointerException.class, () -> h.backend.watchFd(fd, Backend.READABLE, null));
      p.writeByte();
      h.pollAWhile(); // nothing was armed: the contract's end checks that nothing was reported
    }
  }

  /**
   * The race of {@link #aSocketReusingAClosedSocketsDescriptorHearsNothingOfItsEvent} for watched
   * descriptors: a handler stops watching and closes the other readable pipe, and a new pipe
   * watched in its place (same number) must not hear of the old one's event.
   */
  @Test
  void aWatchedDescriptorReusingAClosedOnesNumberHearsNothingOfItsEvent() throws IOException {
    requireFdWatching();
    try (Pipe a = new Pipe();
        Pipe b = new Pipe()) {
      a.writeByte();
      b.writeByte();
      List<Integer> replacementCalls = new ArrayList<>();
      Pipe[] replacement = {null};
      int[] closedFd = {-1};
      Backend.FdHandler handler =
          (fd, ready) -> {
            if (replacement[0] != null) {
              return;
            }
            Pipe other = fd == a.readFd ? b : a;
            closedFd[0] = other.readFd;
            h.backend.watchFd(other.readFd, 0, null);
            other.closeReadEnd();
            replacement[0] = new Pipe(); // empty: never readable during this test
            h.backend.watchFd(
                replacement[0].readFd, Backend.READABLE, (f, r) -> replacementCalls.add(f));
          };
      h.backend.watchFd(a.readFd, Backend.READABLE, handler);
      h.backend.watchFd(b.readFd, Backend.READABLE, handler);

      h.pollUntil("a report", () -> replacement[0] != null);
      try (Pipe c = replacement[0]) {
        assertEquals(closedFd[0], c.readFd, "precondition: the new pipe reuses the descriptor");
        h.pollAWhile();
        assertEquals(List.of(), replacementCalls, "the new pipe heard of the old one's event");
        h.backend.watchFd(c.readFd, 0, null);
        for (Pipe p : List.of(a, b)) {
          if (p.readFd >= 0) {
            h.backend.watchFd(p.readFd, 0, null);
          }
        }
      }
    }
  }

  /** A backend without descriptors says so: watchFd throws UnsupportedOperationException. */
  @Test
  void watchFdIsUnsupportedWhereThereAreNoDescriptors() {
    String why = noFdWatching();
    assumeTrue(why != null, "this backend watches descriptors");
    assertThrows(
        UnsupportedOperationException.class,
        () -> h.backend.watchFd(0, Backend.READABLE, (fd, bits) -> fail("called")));
  }

  private void requireFdWatching() {
    String why = noFdWatching();
    assumeTrue(why == null, why);
  }

  // ------------------------------------------------------------------ helpers

  private SpiDriver.Connection connectTcp4() throws IOException {
    return h.connect(SocketKind.TCP4, h.listen(SocketKind.TCP4, LOOPBACK4));
  }

  /** Writes {@code text} and polls until the backend has taken all of it. */
  private void send(StreamRecorder sender, String text) throws IOException {
    sender.write(text);
    h.pollUntil("the send of " + text, () -> sender.queue.isEmpty());
  }

  private static ByteBuffer copy(ByteBuffer data) {
    return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
  }

  /**
   * Names each test after its backend, {@code [epoll] endOfStreamIsReportedOnceAndReadingStops},
   * so that reports of the same contract on several backends tell them apart. The backend's name
   * is its provider's, from an instance of the test class (providers are cheap to make).
   */
  public static final class BackendNames extends DisplayNameGenerator.Standard {

    private static final ConcurrentMap<Class<?>, String> NAMES = new ConcurrentHashMap<>();

    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
      return super.generateDisplayNameForClass(testClass) + " [" + backend(testClass) + "]";
    }

    @Override
    public String generateDisplayNameForMethod(
        List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
      return "[" + backend(testClass) + "] " + testMethod.getName();
    }

    private static String backend(Class<?> testClass) {
      return NAMES.computeIfAbsent(
          testClass,
          c ->
              ((BackendContract) ReflectionSupport.newInstance(c))
                  .provider()
                  .name());
    }
  }
}
