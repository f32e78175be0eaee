package zloop.backend.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.backend.nio.NioHarness.Acceptor;
import zloop.backend.nio.NioHarness.Pair;
import zloop.backend.nio.NioHarness.Recorder;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/** TCP streams through the NIO backend's SPI, over real loopback sockets. */
class NioStreamTest {

  static ByteBuffer[] ascii(String s) {
    return new ByteBuffer[] {ByteBuffer.wrap(s.getBytes(US_ASCII))};
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
