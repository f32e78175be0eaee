package zloop.engine.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zloop.engine.nio.NioHarness.Acceptor;
import zloop.engine.nio.NioHarness.Pair;
import zloop.engine.nio.NioHarness.Recorder;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.spi.WriteQueue;

/** TCP streams through the NIO backend's SPI, over real loopback sockets. */
class NioStreamTest {

  static ByteBuffer[] ascii(String s) {
    return new ByteBuffer[] {ByteBuffer.wrap(s.getBytes(US_ASCII))};
  }

  @Test
  void echoesBothWays() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Acceptor acceptor = h.listen(SocketKind.TCP4, NioHarness.loopback4());
      Pair p = h.connect(acceptor);
      p.server().onData =
          data -> {
            try {
              assertEquals(data.remaining(), p.server().socket.writeNow(new ByteBuffer[] {data}, 0, 1));
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          };
      p.server().socket.startReading();
      p.client().socket.startReading();

      assertEquals(4, p.client().socket.writeNow(ascii("ping"), 0, 1));
      h.pollUntil("the echo", () -> p.client().text().equals("ping"));
      p.server().socket.writeNow(ascii(" and pong"), 0, 1);
      h.pollUntil("the server's own bytes", () -> p.client().text().equals("ping and pong"));
      assertEquals("ping", p.server().text());

      assertEquals(acceptor.listener.localAddress(), p.client().socket.remoteAddress());
      assertEquals(p.client().socket.localAddress(), p.server().socket.remoteAddress());
      assertNull(acceptor.listener.remoteAddress());
      assertEquals(-1, p.client().socket.fd());
    }
  }

  @Test
  void echoesOverIpv6() throws IOException {
    InetSocketAddress any6 = new InetSocketAddress("::1", 0);
    try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
      probe.bind(any6);
    } catch (IOException | UnsupportedOperationException e) {
      Assumptions.abort("no IPv6 loopback here: " + e);
    }
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP6, any6));
      p.server().socket.startReading();
      p.client().socket.writeNow(ascii("six"), 0, 1);
      h.pollUntil("the bytes", () -> p.server().text().equals("six"));
      assertInstanceOf(Inet6Address.class, ((InetSocketAddress) p.server().socket.remoteAddress()).getAddress());
    }
  }

  @ParameterizedTest(name = "one heap buffer: {0}, handler''s own read buffer: {1}")
  @CsvSource({"true, false", "true, true", "false, false", "false, true"})
  void moves32MiBIntactThroughWriteNowAndFlush(boolean oneHeapBuffer, boolean ownReadBuffer)
      throws IOException {
    byte[] data = new byte[32 << 20];
    new Random(42).nextBytes(data);
    CRC32 expected = new CRC32();
    expected.update(data);
    ByteBuffer[] chunks = oneHeapBuffer ? new ByteBuffer[] {ByteBuffer.wrap(data)} : chunks(data);

    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      Recorder reader = p.server().checksumOnly();
      if (ownReadBuffer) {
        reader.ownBuffer = ByteBuffer.allocate(100_000);
      }
      reader.socket.startReading();

      long now = p.client().socket.writeNow(chunks, 0, chunks.length);
      WriteQueue queue = new WriteQueue();
      for (ByteBuffer chunk : chunks) {
        queue.add(chunk); // skips the ones writeNow emptied
      }
      assertEquals(data.length - now, queue.size());
      p.client().onWrittenHook = n -> queue.consume(n, b -> {});
      p.client().socket.flush(queue);
      h.pollUntil("the transfer", () -> reader.count == data.length);
      assertTrue(queue.isEmpty());
      assertEquals(data.length - now, p.client().written);

      p.client().socket.shutdownOutput();
      h.pollUntil("end of stream", () -> reader.eofs == 1);
      assertEquals(expected.getValue(), reader.crc.getValue());
      assertNull(reader.error);
    }
  }

  /** 64 KiB slices, alternately heap and direct. */
  private static ByteBuffer[] chunks(byte[] data) {
    List<ByteBuffer> chunks = new ArrayList<>();
    for (int off = 0, i = 0; off < data.length; off += 65536, i++) {
      ByteBuffer slice = ByteBuffer.wrap(data, off, Math.min(65536, data.length - off)).slice();
      if (i % 2 == 1) {
        slice = ByteBuffer.allocateDirect(slice.remaining()).put(slice).flip();
      }
      chunks.add(slice);
    }
    return chunks.toArray(new ByteBuffer[0]);
  }

  @Test
  void aRefusedConnectIsReportedToTheHandlerAsConnectException() throws IOException {
    InetSocketAddress closedPort;
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(NioHarness.loopback4());
      closedPort = (InetSocketAddress) probe.getLocalAddress();
    }
    try (NioHarness h = new NioHarness()) {
      SocketHandle socket = h.backend.openSocket(SocketKind.TCP4);
      List<IOException> outcomes = new ArrayList<>();
      boolean[] insideConnect = {true};
      socket.connect(
          closedPort,
          e -> {
            assertFalse(insideConnect[0], "the handler ran inside connect");
            outcomes.add(e);
          });
      insideConnect[0] = false;
      h.pollUntil("the connect outcome", () -> !outcomes.isEmpty());
      h.pollNow(3);
      assertEquals(1, outcomes.size());
      assertInstanceOf(ConnectException.class, outcomes.get(0));
      socket.close();
    }
  }

  @Test
  void bindingAPortInUseFailsWithBindException() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Acceptor taken = h.listen(SocketKind.TCP4, NioHarness.loopback4());
      SocketHandle listener = h.backend.openSocket(SocketKind.TCP4);
      listener.bind(taken.listener.localAddress());
      // The bind is deferred until the role is known: listen reports it.
      assertThrows(BindException.class, () -> listener.listen(16));
      assertTrue(listener.isOpen(), "a failed listen leaves the socket as it was");

      SocketHandle client = h.backend.openSocket(SocketKind.TCP4);
      client.bind(taken.listener.localAddress());
      assertThrows(
          BindException.class, () -> client.connect(taken.listener.localAddress(), e -> {}));
      listener.close();
      client.close();
    }
  }

  @Test
  void thePeersHalfCloseIsOneEofAndTheOtherDirectionStillWorks() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      p.client().socket.startReading();
      p.server().socket.startReading();
      p.server().socket.writeNow(ascii("last words"), 0, 1);
      p.server().socket.shutdownOutput();
      h.pollUntil("end of stream", () -> p.client().eofs == 1);
      assertEquals("last words", p.client().text());

      p.client().socket.writeNow(ascii("still here"), 0, 1);
      h.pollUntil("the reply", () -> p.server().text().equals("still here"));
      p.server().socket.close();
      h.pollNow(5);
      assertEquals(1, p.client().eofs, "reading stopped at end of stream");
      assertNull(p.client().error);
    }
  }

  @Test
  void aPeerClosingIsEof() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      p.client().socket.startReading();
      p.server().socket.close();
      h.pollUntil("end of stream", () -> p.client().eofs == 1);
      assertNull(p.client().error);
    }
  }

  @Test
  void aPeerResetMidWriteIsAnErrorForTheFlush() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      WriteQueue queue = new WriteQueue();
      for (int i = 0; i < 512; i++) {
        queue.add(ByteBuffer.allocate(65536));
      }
      p.client().onWrittenHook = n -> queue.consume(n, b -> {});
      p.client().socket.flush(queue);
      h.pollUntil("the send buffers to fill", () -> p.client().written > 0);
      h.pollNow(5);
      assertFalse(queue.isEmpty(), "the server reads nothing, so the client must stall");

      p.server().socket.setOption(StandardSocketOptions.SO_LINGER, 0); // close sends a reset
      p.server().socket.close();
      h.pollUntil("the write error", () -> p.client().error != null);
      assertInstanceOf(SocketException.class, p.client().error);
    }
  }

  @Test
  void writingToAResetConnectionThrowsSocketException() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      p.server().socket.setOption(StandardSocketOptions.SO_LINGER, 0);
      p.server().socket.close();
      ByteBuffer chunk = ByteBuffer.allocate(65536);
      assertThrows(
          SocketException.class,
          () -> {
            long deadline = System.nanoTime() + NioHarness.DEADLINE_NANOS;
            while (System.nanoTime() - deadline < 0) {
              p.client().socket.writeNow(new ByteBuffer[] {chunk.clear()}, 0, 1);
              h.pollNow(1);
            }
          });
    }
  }

  @Test
  void awaitWritableCallsBackOnceFromAPoll() throws IOException {
    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      int[] calls = new int[1];
      p.client().socket.awaitWritable(() -> calls[0]++);
      assertEquals(0, calls[0]);
      h.pollUntil("writability", () -> calls[0] > 0);
      h.pollNow(5);
      assertEquals(1, calls[0]);
    }
  }

  @Test
  void sendfileMovesAFileWaitingForWritability(@TempDir Path dir) throws IOException {
    byte[] content = new byte[5 << 20];
    new Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("payload"), content);
    CRC32 expected = new CRC32();
    expected.update(content);

    try (NioHarness h = new NioHarness()) {
      Pair p = h.connect(h.listen(SocketKind.TCP4, NioHarness.loopback4()));
      Recorder reader = p.server().checksumOnly();
      reader.socket.startReading();
      SendFile open = h.backend.openFileForSending(file);
      long[] sent = new long[1];
      Runnable[] pump = new Runnable[1];
      pump[0] =
          () -> {
            try {
              while (sent[0] < content.length) {
                long n = p.client().socket.sendfileNow(open, sent[0], content.length - sent[0]);
                if (n == 0) {
                  p.client().socket.awaitWritable(pump[0]);
                  return;
                }
                sent[0] += n;
              }
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          };
      pump[0].run();
      h.pollUntil("the file", () -> reader.count == content.length);
      assertEquals(expected.getValue(), reader.crc.getValue());
      assertThrows(
          EOFException.class,
          () -> p.client().socket.sendfileNow(open, content.length, 10),
          "0 would mean the socket is full: the engine would wait forever");
      open.close();
    }
  }
}
