package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.SocketHandle;

/** Loopback TCP through the SPI, straight on the backend: the paths a transport takes. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class IoUringSocketTest {

  private Driver driver;
  private SocketHandle listener;

  @BeforeEach
  void open() throws IOException {
    driver = new Driver();
    listener = driver.listen();
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void heapBuffersInTheQueueAreStaged() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();

    client.send(pair.client(), ByteBuffer.wrap("heap,".getBytes(UTF_8)));
    client.send(pair.client(), ByteBuffer.allocateDirect(7).put("direct,".getBytes(UTF_8)).flip());
    client.send(pair.client(), ByteBuffer.wrap("heap".getBytes(UTF_8)));
    driver.pollUntil(() -> server.received == 16, "all three buffers");
    assertEquals("heap,direct,heap", server.text());
  }

  @Test
  void aDirectProtocolBufferIsFilledInPlace() throws IOException {
    protocolBufferReceives(ByteBuffer.allocateDirect(1000));
  }

  @Test
  void aHeapProtocolBufferIsFilledThroughAProvidedBuffer() throws IOException {
    protocolBufferReceives(ByteBuffer.allocate(1000));
  }

  private void protocolBufferReceives(ByteBuffer protocolBuffer) throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    server.protocolBuffer = protocolBuffer;
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();

    byte[] data = new byte[256 * 1024];
    new Random(7).nextBytes(data);
    client.send(pair.client(), data);
    driver.pollUntil(() -> server.received == data.length, "256 KiB into the protocol's buffer");

    CRC32 crc = new CRC32();
    crc.update(data);
    assertEquals(crc.getValue(), server.crc());
    assertEquals(0, server.onDataCalls, "every byte went through onDataInto");
    assertTrue(server.onDataIntoCalls >= data.length / 1000);
  }

  @Test
  void aResetByThePeerIsAnError() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    pair.client().setStreamHandler(client);
    pair.client().startReading();
    driver.poll(0);

    pair.server().setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
    pair.server().close();
    driver.pollUntil(() -> !client.errors.isEmpty(), "the reset");

    IOException e = client.errors.getFirst();
    assertInstanceOf(SocketException.class, e);
    assertTrue(e.getMessage().contains("ECONNRESET"), e::getMessage);
    assertEquals(1, client.errors.size());
  }

  /**
   * A single RECV into the protocol's buffer completes after reading stopped, and reading resumes
   * with another handler and buffer (sockRecvInto cancelled, then called again): the bytes reach
   * the buffer of the handler that reads now.
   */
  @Test
  void bytesARecvPutInAnOldProtocolBufferReachTheNewOne() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder first = new Recorder();
    first.protocolBuffer = ByteBuffer.allocateDirect(100);
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(first);
    pair.server().startReading();
    driver.poll(0); // the RECV into the first buffer is armed

    driver.backend.setCompletionsPerPoll(0); // the kernel completes it; zloop does not look yet
    client.send(pair.client(), "xyz".getBytes(UTF_8));
    driver.pollUntil(() -> driver.backend.pendingCompletions() >= 2, "the SEND and the RECV");
    pair.server().stopReading();
    Recorder second = new Recorder();
    second.protocolBuffer = ByteBuffer.allocateDirect(100);
    pair.server().setStreamHandler(second);
    driver.backend.setCompletionsPerPoll(4096);
    driver.poll(0);
    assertEquals(0, first.received + second.received, "held while stopped");

    pair.server().startReading();
    driver.pollUntil(() -> second.received == 3, "the held bytes");
    assertEquals("xyz", second.text());
    assertEquals(0, first.received);
  }

  /** Bytes always move through SENDs from the engine's queue (zero copy from direct buffers). */
  @Test
  void writeNowNeverWritesSynchronously() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    pair.client().setStreamHandler(new Recorder());
    ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3});
    assertEquals(SocketHandle.ASYNC_ONLY, pair.client().writeNow(new ByteBuffer[] {data}, 0, 1));
    assertEquals(3, data.remaining(), "nothing taken");
  }

  @Test
  void addressesAndOptions() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    assertEquals(listener.localAddress(), pair.client().remoteAddress());
    assertEquals(pair.client().localAddress(), pair.server().remoteAddress());
    pair.client().setOption(StandardSocketOptions.TCP_NODELAY, true);
    assertTrue(pair.client().getOption(StandardSocketOptions.TCP_NODELAY));
    int fd = pair.client().fd();
    assertTrue(fd >= 0);
    pair.client().close();
    assertEquals(-1, pair.client().fd());
    assertThrows(SocketException.class, () -> pair.client().bind(listener.localAddress()));
  }
}
