package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zloop.engine.spi.SocketHandle;

/**
 * Receive bundles ({@code IORING_RECVSEND_BUNDLE}): one multishot completion fills as many
 * provided buffers as the bytes waiting need, and buffers side by side in memory go to the
 * handler as one view. Every case also runs without bundles (the path of kernels before 6.10), and
 * every transfer is checked byte for byte (CRC32) through real loopback sockets.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ReceiveBundleTest {

  private static final int BUFFER = 4096;

  /** 64 buffers of 4 KiB: a 64 KiB message needs 16 of them. */
  private static Config small(boolean bundles) {
    return new Config(256, 1024, 64, BUFFER, 4096, true).withBundles(bundles);
  }

  /** 8 buffers of 4 KiB: a large message makes the ring run dry and wrap many times. */
  private static Config tiny(boolean bundles) {
    return new Config(256, 1024, 8, BUFFER, 4096, true).withBundles(bundles);
  }

  private static byte[] random(int n, long seed) {
    byte[] data = new byte[n];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static long crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return crc.getValue();
  }

  /** A connected pair through {@code listener}, with {@code client} and {@code server} on it. */
  private static Driver.Pair connected(
      Driver driver, SocketHandle listener, Recorder client, Recorder server) throws IOException {
    Driver.Pair pair = driver.connect(listener);
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    return pair;
  }

  @Test
  void waitingBytesArriveInOneCompletionAndFewDeliveries() throws IOException {
    try (Driver driver = new Driver(small(true))) {
      assumeTrue(driver.backend.buffers().bundles(), "the kernel has no receive bundles (6.10)");
      Recorder server = waitingThenRead(driver, random(64 * 1024, 1));
      assertTrue(
          server.largestDelivery > BUFFER,
          "one delivery spans several buffers; largest was " + server.largestDelivery);
      assertTrue(
          server.onDataCalls < 64 * 1024 / BUFFER,
          "fewer deliveries than buffers filled: " + server.onDataCalls);
    }
  }

  @Test
  void withoutBundlesEachBufferIsOneDelivery() throws IOException {
    try (Driver driver = new Driver(small(false))) {
      assertEquals(false, driver.backend.buffers().bundles());
      Recorder server = waitingThenRead(driver, random(64 * 1024, 2));
      assertTrue(server.largestDelivery <= BUFFER, "largest " + server.largestDelivery);
      assertTrue(server.onDataCalls >= 64 * 1024 / BUFFER, "deliveries " + server.onDataCalls);
    }
  }

  /** Queues {@code data} in the server's receive queue first, then reads it all; checks it. */
  private static Recorder waitingThenRead(Driver driver, byte[] data) throws IOException {
    SocketHandle listener = driver.listen();
    Recorder client = new Recorder();
    Recorder server = new Recorder(false);
    Driver.Pair pair = connected(driver, listener, client, server);
    client.send(pair.client(), data);
    driver.pollUntil(() -> client.written == data.length, "the message in the server's queue");
    pair.server().startReading();
    driver.pollUntil(() -> server.received == data.length, "the whole message");
    assertEquals(crc(data), server.crc());
    assertEquals(0, server.errors.size());
    return server;
  }

  @ParameterizedTest(name = "bundles {0}")
  @ValueSource(booleans = {true, false})
  void aMegabyteThroughEightSmallBuffersArrivesIntact(boolean bundles) throws IOException {
    try (Driver driver = new Driver(tiny(bundles))) {
      SocketHandle listener = driver.listen();
      transferIntact(driver, listener, random(1024 * 1024, 3));
      transferIntact(driver, listener, random(1024 * 1024, 4)); // after wrapping many times
    }
  }

  private static void transferIntact(Driver driver, SocketHandle listener, byte[] data)
      throws IOException {
    Recorder client = new Recorder();
    Recorder server = new Recorder(false);
    Driver.Pair pair = connected(driver, listener, client, server);
    pair.server().startReading();
    client.send(pair.client(), data);
    driver.pollUntil(() -> server.received == data.length, "1 MiB");
    assertEquals(crc(data), server.crc());
    assertEquals(0, server.errors.size());
    pair.client().close();
    pair.server().close();
  }

  /**
   * The handler stops reading in the middle of a delivery: the rest of the kernel's buffers is
   * held as a copy and the buffers go back to the ring, where another connection's bytes
   * overwrite them; the held bytes still arrive intact when reading resumes.
   */
  @ParameterizedTest(name = "bundles {0}")
  @ValueSource(booleans = {true, false})
  void stoppingInsideADeliveryHoldsACopyOfTheRest(boolean bundles) throws IOException {
    try (Driver driver = new Driver(tiny(bundles))) {
      SocketHandle listener = driver.listen();
      Recorder client = new Recorder();
      Recorder server = new Recorder();
      Driver.Pair pair = connected(driver, listener, client, server);
      pair.server().startReading();
      driver.poll(0); // the multishot RECV is armed (readBuffer() said null)

      // From now on each delivery is copied into 1000-byte pieces; the first piece stops reading.
      server.protocolBuffer = ByteBuffer.allocate(1000);
      server.afterDelivery =
          () -> {
            pair.server().stopReading();
            server.afterDelivery = () -> {};
          };
      byte[] data = random(24 * 1024, 5);
      client.send(pair.client(), data);
      driver.pollUntil(() -> server.received > 0 && client.written == data.length, "one piece");
      driver.poll(0);
      long firstPiece = server.received;
      assertTrue(firstPiece < data.length, "reading stopped after " + firstPiece);

      // Another connection runs 1 MiB through the same eight buffers.
      transferIntact(driver, listener, random(1024 * 1024, 6));

      server.protocolBuffer = null;
      pair.server().startReading();
      driver.pollUntil(() -> server.received == data.length, "the held rest");
      assertEquals(crc(data), server.crc());
    }
  }

  /**
   * The peer resets the connection in the middle of a large message: the reader gets its bytes
   * so far and then the reset, and every buffer goes back to the ring (a leak or a buffer given
   * back twice would stall or corrupt the next transfer through these eight buffers).
   */
  @ParameterizedTest(name = "bundles {0}")
  @ValueSource(booleans = {true, false})
  void aResetInTheMiddleOfAMessageLeavesTheRingWhole(boolean bundles) throws IOException {
    try (Driver driver = new Driver(tiny(bundles))) {
      SocketHandle listener = driver.listen();
      Recorder client = new Recorder();
      Recorder server = new Recorder(false);
      Driver.Pair pair = connected(driver, listener, client, server);
      pair.server().startReading();
      byte[] data = random(4 * 1024 * 1024, 7);
      client.send(pair.client(), data);
      driver.pollUntil(() -> server.received >= 64 * 1024, "the first 64 KiB");
      pair.client().setOption(StandardSocketOptions.SO_LINGER, 0);
      pair.client().close(); // a reset, with most of the message unsent
      driver.pollUntil(
          () -> !server.errors.isEmpty() || server.eofs > 0, "the reset (or the end)");
      assertTrue(server.received < data.length, "the message was cut: " + server.received);
      pair.server().close();

      transferIntact(driver, listener, random(1024 * 1024, 8));
      transferIntact(driver, listener, random(1024 * 1024, 9));
    }
  }
}
