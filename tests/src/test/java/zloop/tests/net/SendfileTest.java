package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Server;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;
import zloop.tests.conformance.Turns;

/** loop.sendfile over a transport: ordered with writes before and after, checksummed at the peer. */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class SendfileTest {
  private static final int SIZE = 10 << 20;
  private static final byte[] HEADER = "header:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRAILER = ":trailer".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @BackendTest
  void sendfileOfTenMegabytesArrivesIntactBetweenWrites(String backend) throws IOException {
    byte[] content = Net.payload(SIZE, 16);
    Path file = Files.write(dir.resolve("ten-mib.bin"), content);
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop);
                    p.keepLimit = 0;
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Transport t = c.transport();
        Recorder.Plain peer = Net.serverSide(loop, accepted, t);
        long total = (long) HEADER.length + SIZE + TRAILER.length;
        peer.expect(total);

        t.write(HEADER); // buffered bytes go first: sendfile flushes them before the file
        Future<Long> sent = loop.sendFile(t, file, 0, SIZE);
        assertEquals(SIZE, await(loop, sent, "sendfile of 10 MiB"), "bytes sent");
        t.write(TRAILER);
        await(loop, peer.gotAll, "header + file + trailer at the peer (got " + peer.received + ")");

        CRC32 expected = new CRC32();
        expected.update(HEADER);
        expected.update(content);
        expected.update(TRAILER);
        assertEquals(expected.getValue(), peer.crcValue(), "CRC32 at the peer");
        t.close();
        assertNull(await(loop, client.lost, "connectionLost"));
        assertEquals(total, peer.received);
      } finally {
        shutdown(loop, server);
      }
    }
  }

  @BackendTest
  void sendfileOfARangeAndPastTheEnd(String backend) throws IOException {
    byte[] content = Net.payload(100_000, 17);
    Path file = Files.write(dir.resolve("range.bin"), content);
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop);
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Recorder.Plain peer = Net.serverSide(loop, accepted, c.transport());
        assertEquals(5000L, await(loop, loop.sendFile(c.transport(), file, 1000, 5000), "sendfile of a range"));
        // Asking for more than the file holds sends what there is.
        assertEquals(1000L, await(loop, loop.sendFile(c.transport(), file, 99_000, 1_000_000), "sendfile past the end"));
        peer.expect(6000);
        await(loop, peer.gotAll, "the two ranges");
        byte[] expected = new byte[6000];
        System.arraycopy(content, 1000, expected, 0, 5000);
        System.arraycopy(content, 99_000, expected, 5000, 1000);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, peer.bytes());
        c.transport().close();
        await(loop, client.lost, "connectionLost");
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /**
   * EventLoop.sendfile's contract: "further writes wait until the file is sent". A write made
   * while the file is being sent is neither lost nor interleaved: it arrives after the file.
   */
  @BackendTest
  void aWriteDuringSendfileArrivesAfterTheFile(String backend) throws IOException {
    byte[] content = Net.payload(SIZE, 18);
    Path file = Files.write(dir.resolve("during.bin"), content);
    try (EventLoop loop = Backends.open(backend)) {
      List<Recorder.Plain> accepted = new ArrayList<>();
      Server server =
          await(
              loop,
              loop.createServer(
                  () -> {
                    Recorder.Plain p = new Recorder.Plain(loop);
                    p.keepLimit = 0;
                    accepted.add(p);
                    return p;
                  },
                  "127.0.0.1",
                  0),
              "createServer");
      try {
        Recorder.Plain client = new Recorder.Plain(loop);
        Connection<Recorder.Plain> c =
            await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
        Transport t = c.transport();
        Recorder.Plain peer = Net.serverSide(loop, accepted, t);
        peer.expect(SIZE + TRAILER.length);
        Future<Long> sent = loop.sendFile(t, file, 0, SIZE);
        t.write(TRAILER); // documented to wait until the file is sent
        assertEquals(SIZE, await(loop, sent, "sendfile of 10 MiB"), "bytes sent");
        await(loop, peer.gotAll, "file + trailer at the peer (got " + peer.received + ")");
        CRC32 expected = new CRC32();
        expected.update(content);
        expected.update(TRAILER);
        assertEquals(expected.getValue(), peer.crcValue(), "CRC32 at the peer: the write came after the file");
        t.close();
        assertNull(await(loop, client.lost, "connectionLost"));
      } finally {
        shutdown(loop, server);
      }
    }
  }

  /** Larger than what loopback buffers hold while the peer does not read: the socket fills. */
  private static final int BIG = 64 << 20;

  /**
   * The file is opened once per sendfile call and held across its chunks, while the socket is
   * full and the peer reads slowly, not reopened per chunk; it is closed when the call ends.
   */
  @BackendTest
  void theFileIsOpenOnceAcrossChunksAndClosedAtTheEnd(String backend) throws IOException {
    whileStalled(
        backend,
        "open-once.bin",
        19,
        (loop, s, file) -> {
            assertEquals(1, openCount(file), "open once while the socket is full");
            s.peer.expect(BIG);
            s.peer.transport.resumeReading();
            assertEquals(BIG, await(loop, s.sent, "sendfile of 64 MiB to a slow reader"));
            assertEquals(0, openCount(file), "closed when the call ended");
            await(loop, s.peer.gotAll, "the file at the peer");
            s.transport.close();
            await(loop, s.client.lost, "connectionLost");
        });
  }

  /**
   * An abort while sendfile waits for a full socket ends the call: its future fails instead of
   * waiting for a writability the closed socket never reports, and the file is closed.
   */
  @BackendTest
  void anAbortWhileTheSocketIsFullFailsTheSendfileAndClosesTheFile(String backend)
      throws IOException {
    whileStalled(
        backend,
        "abort.bin",
        20,
        (loop, s, file) -> {
            s.transport.abort();
            Throwable failure =
                Turns.awaitFailure(loop, s.sent, "sendfile after abort", Duration.ofSeconds(5));
            assertInstanceOf(SocketException.class, failure);
            assertEquals(0, openCount(file), "the file is closed");
            await(loop, s.client.lost, "connectionLost");
        });
  }

  /**
   * Cancelling the sendfile stops it: the file is closed, the rest of it is not sent, and writes
   * go out again (asyncio stops a cancelled sendfile the same way).
   */
  @BackendTest
  void aCancelledSendfileStopsClosesTheFileAndFreesTheTransport(String backend)
      throws IOException {
    whileStalled(
        backend,
        "cancel.bin",
        21,
        (loop, s, file) -> {
            assertTrue(s.sent.cancel(), "cancel while the socket is full");
            Net.spin(loop, 2);
            assertEquals(0, openCount(file), "closed once cancelled");
            s.transport.write(TRAILER); // not held behind the rest of the file
            s.transport.close();
            s.peer.transport.resumeReading();
            await(loop, s.peer.eof, "the peer reads to the end");
            assertTrue(s.peer.received < BIG, "the rest of the file was not sent: " + s.peer.received);
            await(loop, s.client.lost, "connectionLost");
        });
  }

  private interface WhileStalled {
    void run(EventLoop loop, Stalled s, Path file) throws IOException;
  }

  /** Runs {@code body} with a sendfile of a new file to a peer that stopped reading. */
  private void whileStalled(String backend, String name, long seed, WhileStalled body)
      throws IOException {
    Path file = Files.write(dir.resolve(name), Net.payload(BIG, seed));
    try (EventLoop loop = Backends.open(backend)) {
      Stalled s = stalled(loop, file);
      try {
        body.run(loop, s, file);
      } finally {
        shutdown(loop, s.server);
      }
    }
  }

  private record Stalled(
      Server server, Recorder.Plain client, Recorder.Plain peer, Transport transport, Future<Long> sent) {}

  /** A sendfile of {@code file} to a peer that stopped reading, waiting for the full socket. */
  private static Stalled stalled(EventLoop loop, Path file) {
    List<Recorder.Plain> accepted = new ArrayList<>();
    Server server =
        await(
            loop,
            loop.createServer(
                () -> {
                  Recorder.Plain p = new Recorder.Plain(loop);
                  p.keepLimit = 0;
                  p.keepOpenOnEof = false;
                  accepted.add(p);
                  return p;
                },
                "127.0.0.1",
                0),
            "createServer");
    Recorder.Plain client = new Recorder.Plain(loop);
    Connection<Recorder.Plain> c =
        await(loop, loop.createConnection(() -> client, "127.0.0.1", port(server)), "connect");
    Recorder.Plain peer = Net.serverSide(loop, accepted, c.transport());
    peer.transport.pauseReading();
    Future<Long> sent = loop.sendFile(c.transport(), file, 0, BIG);
    // The buffers fill within the first call or a few turns; bounded, never a timing assertion.
    for (int i = 0; i < 200 && openCount(file) != 1 && !sent.isDone(); i++) {
      Turns.oneTurn(loop);
    }
    assertFalse(sent.isDone(), "the sendfile waits for the peer");
    return new Stalled(server, client, peer, c.transport(), sent);
  }

  /** How many of this process's descriptors are open on {@code file}. */
  private static long openCount(Path file) {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      Path real = file.toRealPath();
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                  return false; // closed since it was listed (the listing's own descriptor)
                }
              })
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
