package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
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
import zloop.engine.spi.SocketKind;

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
  void echoesBothWays() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.client().startReading();
    pair.server().startReading();

    client.send(pair.client(), "ping".getBytes(UTF_8));
    driver.pollUntil(() -> server.received == 4, "ping at the server");
    server.send(pair.server(), "pong".getBytes(UTF_8));
    driver.pollUntil(() -> client.received == 4, "pong at the client");

    assertEquals("ping", server.text());
    assertEquals("pong", client.text());
    assertEquals(4, client.written);
    assertEquals(4, server.written);
    assertTrue(client.queue.isEmpty() && server.queue.isEmpty());
    assertEquals(
        SocketHandle.ASYNC_ONLY, pair.client().writeNow(new ByteBuffer[0], 0, 0), "never sync");
  }

  @Test
  void moves32MiBThroughFlushAndOnWrittenIntact() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder(false);
    Recorder server = new Recorder(false);
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();

    int total = 32 << 20;
    CRC32 sent = new CRC32();
    Random random = new Random(42);
    byte[] chunk = new byte[64 * 1024];
    for (int at = 0; at < total; at += chunk.length) {
      random.nextBytes(chunk);
      sent.update(chunk);
      client.queue.add(ByteBuffer.allocateDirect(chunk.length).put(chunk).flip());
    }
    pair.client().flush(client.queue);
    driver.pollUntil(() -> server.received == total, "32 MiB at the server");

    assertEquals(total, client.written);
    assertTrue(client.queue.isEmpty());
    assertEquals(sent.getValue(), server.crc(), "CRC32 of what arrived");
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
  void endOfStreamIsReportedOnce() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();

    client.send(pair.client(), "last words".getBytes(UTF_8));
    driver.pollUntil(() -> client.queue.isEmpty(), "the send");
    pair.client().shutdownOutput();
    driver.pollUntil(() -> server.eofs == 1, "end of stream");
    for (int i = 0; i < 3; i++) {
      driver.poll(0);
    }
    pair.server().startReading(); // after EOF, reading never starts again
    driver.poll(0);
    assertEquals("last words", server.text());
    assertEquals(1, server.eofs);
    assertEquals(0, server.errors.size());
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

  @Test
  void aRefusedConnectIsAConnectException() throws IOException {
    SocketHandle probe = driver.backend.openSocket(SocketKind.TCP4);
    probe.bind(new InetSocketAddress(Driver.LOOPBACK, 0));
    SocketAddress nobodyListens = probe.localAddress();
    probe.close();

    SocketHandle client = driver.backend.openSocket(SocketKind.TCP4);
    IOException[] outcome = new IOException[1];
    boolean[] done = new boolean[1];
    client.connect(
        nobodyListens,
        failure -> {
          outcome[0] = failure;
          done[0] = true;
        });
    driver.pollUntil(() -> done[0], "the refusal");
    assertInstanceOf(ConnectException.class, outcome[0]);
    assertTrue(outcome[0].getMessage().contains("ECONNREFUSED"), outcome[0]::getMessage);
    client.close();
  }

  @Test
  void oneMultishotAcceptTakesManyConnections() throws IOException {
    Driver.Accepted accepted = new Driver.Accepted();
    listener.startAccepting(accepted);
    int n = 64;
    int[] connected = new int[1];
    SocketHandle[] clients = new SocketHandle[n];
    for (int i = 0; i < n; i++) {
      clients[i] = driver.backend.openSocket(SocketKind.TCP4);
      clients[i].connect(
          listener.localAddress(),
          failure -> {
            assertEquals(null, failure);
            connected[0]++;
          });
    }
    driver.pollUntil(
        () -> connected[0] == n && accepted.sockets.size() == n, "64 connections accepted");
    assertEquals(0, accepted.errors.size());
    for (SocketHandle s : accepted.sockets) {
      assertTrue(s.isOpen());
      assertNotNull(s.remoteAddress());
    }
  }

  @Test
  void connectionsAcceptedWhileStoppedAreHeldNotLost() throws IOException {
    Driver.Accepted accepted = new Driver.Accepted();
    listener.startAccepting(accepted);
    driver.poll(0);
    listener.stopAccepting();
    SocketHandle client = driver.backend.openSocket(SocketKind.TCP4);
    boolean[] done = new boolean[1];
    client.connect(listener.localAddress(), failure -> done[0] = true);
    driver.pollUntil(() -> done[0], "the connect");
    for (int i = 0; i < 3; i++) {
      driver.poll(0);
    }
    assertEquals(0, accepted.sockets.size(), "nothing is accepted while stopped");
    listener.startAccepting(accepted);
    driver.pollUntil(() -> accepted.sockets.size() == 1, "the held connection");
  }

  @Test
  void bytesArrivingWhileStoppedAreHeldAndDeliveredInOrder() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();
    client.send(pair.client(), "one,".getBytes(UTF_8));
    driver.pollUntil(() -> server.received == 4, "the first bytes");

    pair.server().stopReading();
    client.send(pair.client(), "two,".getBytes(UTF_8));
    driver.pollUntil(() -> client.queue.isEmpty(), "the second send");
    client.send(pair.client(), "three".getBytes(UTF_8));
    driver.pollUntil(() -> client.queue.isEmpty(), "the third send");
    pair.client().shutdownOutput();
    for (int i = 0; i < 5; i++) {
      driver.poll(1_000_000L);
    }
    assertEquals("one,", server.text(), "nothing delivered while stopped");
    assertEquals(0, server.eofs);

    pair.server().startReading();
    driver.pollUntil(() -> server.eofs == 1, "the held bytes, then end of stream");
    assertEquals("one,two,three", server.text());
  }

  @Test
  void stoppingFromInsideADeliveryHoldsTheRest() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    server.protocolBuffer = ByteBuffer.allocate(3); // three bytes per delivery
    server.afterDelivery = () -> pair.server().stopReading();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();

    client.send(pair.client(), "abcdefgh".getBytes(UTF_8));
    StringBuilder got = new StringBuilder();
    for (int round = 0; round < 20 && got.length() < 8; round++) {
      driver.pollUntil(() -> server.received > got.length(), "the next three bytes");
      assertEquals(got.length() + Math.min(3, 8 - got.length()), server.received);
      got.setLength(0);
      got.append(server.text());
      pair.server().startReading();
    }
    assertEquals("abcdefgh", server.text());
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

  @Test
  void awaitWritableRunsOnceFromAPoll() throws IOException {
    Driver.Pair pair = driver.connect(listener);
    pair.client().setStreamHandler(new Recorder());
    int[] runs = new int[1];
    pair.client().awaitWritable(() -> runs[0]++);
    assertEquals(0, runs[0], "never from inside the call");
    driver.pollUntil(() -> runs[0] == 1, "writability");
    driver.poll(0);
    assertEquals(1, runs[0]);
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
