package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import zloop.DatagramEndpoint;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Datagram peers zloop did not write: Python's asyncio as a UDP echo endpoint, and a JDK channel
 * on another thread that reads slowly while zloop sends 1,000 datagrams at once.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class DatagramPeerTest {
  @TempDir Path dir;

  private static final int PYTHON_COUNT = 2_000;
  private static final int WINDOW = 16;

  @BackendTest
  void pythonAsyncioEchoesDatagramsAZloopEndpointSends(String backend) throws Exception {
    String python = Requires.python3("asyncio", "zlib");
    Path script = Subprocess.resource("/peers/asyncio_udp_echo_server.py", dir);
    try (Subprocess peer = Subprocess.start(List.of(python, script.toString(), "127.0.0.1"));
        EventLoop loop = Backends.open(backend)) {
      int port = Integer.parseInt(peer.expect("PORT").split(" ")[1]);
      InetSocketAddress python3 = new InetSocketAddress(Net.LOOPBACK4, port);
      long[] sums = new long[2];
      int[] next = {0};
      DatagramRecorder r =
          new DatagramRecorder(loop) {
            @Override
            void onDatagram(ByteBuffer data, SocketAddress address) {
              sums[1] += DatagramEchoTest.crc(data);
              sendNext(this, next, sums);
            }
          };
      r.keep = false;
      DatagramEndpoint<DatagramRecorder> e =
          await(loop, loop.createDatagramEndpoint(() -> r, null, python3, null), "connect to Python");
      DatagramEchoTest.bigReceiveBuffer(e);
      for (int i = 0; i < WINDOW; i++) {
        sendNext(r, next, sums);
      }
      await(loop, r.expect(PYTHON_COUNT), "Python's echoes", Duration.ofSeconds(90));
      assertEquals(sums[0], sums[1], "CRC32 sums of what zloop sent and what came back");
      // Python's asyncio passes empty datagrams on; zloop sends them on the native backends.
      e.transport().send(ByteBuffer.allocate(0));
      e.transport().send(ByteBuffer.wrap("END".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      String[] received = peer.expect("RECEIVED").split(" ");
      assertEquals(String.valueOf(PYTHON_COUNT), received[1], "datagrams Python received");
      assertEquals(String.valueOf(sums[0]), received[2], "CRC32 sum at the Python side");
      assertEquals(0, peer.waitFor(), "Python's exit code; output:\n" + peer.output());
      if (backend.equals("nio")) {
        // The JDK cannot send an empty datagram on a connected channel: refused, not lost.
        assertEquals("0", received[3], "no empty datagram reached Python");
        assertEquals(1, r.errors.size(), "the empty datagram's refusal: " + r.errors);
        assertTrue(r.errors.get(0).getMessage().contains("empty datagram"), r.errors.toString());
      } else {
        assertEquals("1", received[3], "the empty datagram reached Python");
        assertTrue(r.errors.isEmpty(), "no errors: " + r.errors);
      }
      e.transport().close();
      assertNull(await(loop, r.lost, "connectionLost"));
    }
  }

  private static void sendNext(DatagramRecorder r, int[] next, long[] sums) {
    if (next[0] < PYTHON_COUNT) {
      ByteBuffer d = DatagramEchoTest.datagram(next[0]++);
      sums[0] += DatagramEchoTest.crc(d);
      r.transport.send(d);
    }
  }

  private static final int BURST = 1_000;
  private static final int BURST_SIZE = 1_200;

  /**
   * zloop sends 1,000 datagrams of 1,200 bytes in one go to a peer that reads slowly (it starts
   * only once the whole burst is handed over, then naps between reads). No datagram may be lost
   * inside the process: each one either reaches the peer or is counted by the kernel as dropped at
   * the peer's socket (the {@code drops} column of {@code /proc/net/udp}). The peer's receive
   * buffer is made large, so drops should be rare, but they are the kernel's right. Meanwhile the
   * loop stays live: a task ticking on it keeps running while the burst drains.
   */
  @BackendTest
  void aThousandDatagramsInFlightToASlowPeerAreDeliveredOrCountedAsKernelDrops(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend);
        DatagramChannel peer = DatagramChannel.open(StandardProtocolFamily.INET)) {
      peer.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      peer.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalAddress();
      long dropsBefore = kernelDrops(peerAddress.getPort());

      DatagramRecorder r = new DatagramRecorder(loop);
      DatagramEndpoint<DatagramRecorder> e =
          await(loop, loop.createDatagramEndpoint(() -> r, null, peerAddress, null), "the sender");
      NetSocket socket = (NetSocket) e.transport().getExtraInfo("socket");
      socket.setOption(StandardSocketOptions.SO_SNDBUF, 4096); // so the transport buffers some

      CompletableFuture<Integer> read = new CompletableFuture<>();
      CompletableFuture<Void> burstSent = new CompletableFuture<>();
      Thread reader =
          Thread.ofPlatform()
              .name("slow UDP peer")
              .start(() -> slowlyRead(peer, burstSent, read));
      int[] ticks = {0};
      zloop.Task<Void> ticker =
          loop.createTask(
              () -> {
                while (true) {
                  loop.sleep(Duration.ofMillis(1)).join();
                  ticks[0]++;
                }
              },
              "ticker");
      byte[] payload = Net.payload(BURST_SIZE, 3);
      for (int i = 0; i < BURST; i++) {
        ByteBuffer d = ByteBuffer.wrap(payload.clone());
        d.putInt(0, i);
        e.transport().send(d);
      }
      // Whatever the kernel did not take waits in the transport; drain it while the loop runs.
      int ticksAtBurst = ticks[0];
      e.transport().close();
      await(loop, r.lost, "the burst handed to the kernel, then connectionLost", Duration.ofSeconds(60));
      burstSent.complete(null);
      int received = await(loop, loop.wrap(read), "the slow peer reads what arrived", Duration.ofSeconds(60));
      reader.join();
      long dropped = kernelDrops(peerAddress.getPort()) - dropsBefore;
      assertEquals(BURST, received + dropped, "received " + received + " + kernel drops " + dropped);
      assertTrue(r.errors.isEmpty(), "no errors: " + r.errors);
      assertTrue(ticks[0] > ticksAtBurst, "the loop ran its other task while the burst drained");
      ticker.cancel();
      Net.spin(loop, 2);
    }
  }

  /** Reads until the burst was sent and a read then finds nothing for a while; naps as it goes. */
  private static void slowlyRead(
      DatagramChannel peer, CompletableFuture<Void> burstSent, CompletableFuture<Integer> read) {
    try {
      ByteBuffer b = ByteBuffer.allocate(2048);
      int n = 0;
      int idle = 0;
      peer.configureBlocking(false);
      while (idle < 200) {
        b.clear();
        if (peer.receive(b) != null) {
          n++;
          idle = 0;
          if (n % 50 == 0) {
            Thread.sleep(1); // a slow peer
          }
        } else {
          if (burstSent.isDone()) {
            idle++;
          }
          Thread.sleep(1);
        }
      }
      read.complete(n);
    } catch (IOException | InterruptedException | RuntimeException ex) {
      read.completeExceptionally(ex);
    }
  }

  /**
   * The {@code drops} count the kernel keeps for the UDP socket bound to 127.0.0.1:{@code port}
   * ({@code /proc/net/udp}: addresses in hex, the last column is drops).
   */
  static long kernelDrops(int port) throws IOException {
    String local = "0100007F:" + String.format(Locale.ROOT, "%04X", port);
    for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 12 && f[1].equals(local)) {
        return Long.parseLong(f[f.length - 1]);
      }
    }
    throw new AssertionError("no socket at " + local + " in /proc/net/udp");
  }
}
