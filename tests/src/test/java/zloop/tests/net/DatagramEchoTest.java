package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.DatagramEndpoint;
import zloop.EventLoop;
import zloop.NetSocket;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * UDP echo through two zloop endpoints, 10,000 datagrams of varied sizes each way, checksummed
 * datagram by datagram: over IPv4 with a connected client ({@code send}) and over IPv6 with an
 * unconnected one ({@code sendTo}). The client keeps a window of datagrams in flight, and both
 * sockets get large receive buffers, so the kernel has no reason to drop any on loopback.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class DatagramEchoTest {
  static final int COUNT = 10_000;
  private static final int WINDOW = 32;
  private static final int MAX_SIZE = 1400;

  @BackendTest
  void echoesTenThousandDatagramsOverIpv4WithAConnectedClient(String backend) throws IOException {
    echo(backend, Net.LOOPBACK4, true);
  }

  @BackendTest
  void echoesTenThousandDatagramsOverIpv6WithAnUnconnectedClient(String backend)
      throws IOException {
    Requires.ipv6Loopback();
    echo(backend, Net.LOOPBACK6, false);
  }

  private static void echo(String backend, InetAddress loopback, boolean connected)
      throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      DatagramRecorder server = new DatagramRecorder(loop);
      server.echo = true;
      server.keep = false;
      DatagramEndpoint<DatagramRecorder> s =
          await(
              loop,
              loop.createDatagramEndpoint(() -> server, new InetSocketAddress(loopback, 0), null, null),
              "the echo endpoint");
      bigReceiveBuffer(s);
      InetSocketAddress serverAddress = (InetSocketAddress) s.transport().getExtraInfo("sockname");
      assertEquals(loopback, serverAddress.getAddress(), "the endpoint's sockname");
      assertNull(s.transport().getExtraInfo("peername"), "an unconnected endpoint has no peer");

      WindowedClient client = new WindowedClient(loop, connected ? null : serverAddress);
      DatagramEndpoint<WindowedClient> c =
          await(
              loop,
              loop.createDatagramEndpoint(
                  () -> client,
                  connected ? null : new InetSocketAddress(loopback, 0),
                  connected ? serverAddress : null,
                  null),
              "the client endpoint");
      bigReceiveBuffer(c);
      if (connected) {
        assertEquals(serverAddress, c.transport().getExtraInfo("peername"), "the client's peer");
      }
      client.start();
      await(loop, client.expect(COUNT), "10,000 echoes", java.time.Duration.ofSeconds(90));
      assertEquals(COUNT, server.count, "datagrams the echo endpoint received");
      assertEquals(client.sentCrc, client.echoedCrc, "CRC32s of what was sent and what came back");
      assertEquals(0, client.duplicatesOrStrays, "datagrams echoed twice or never sent");
      assertTrue(client.errors.isEmpty(), "no errors: " + client.errors);
      c.transport().close();
      s.transport().close();
      assertNull(await(loop, client.lost, "the client's connectionLost"));
      assertNull(await(loop, server.lost, "the server's connectionLost"));
      NetSocket socket = (NetSocket) c.transport().getExtraInfo("socket");
      assertTrue(!socket.isOpen(), "the socket is closed after connectionLost");
    }
  }

  static void bigReceiveBuffer(DatagramEndpoint<?> e) throws IOException {
    NetSocket socket = (NetSocket) e.transport().getExtraInfo("socket");
    socket.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
  }

  /**
   * Sends datagram {@code i} as a 4-byte sequence number and {@code 0..MAX_SIZE} payload bytes,
   * keeps {@link #WINDOW} unanswered, and sums the CRC32 of what it sent and of what came back.
   */
  private static final class WindowedClient extends DatagramRecorder {
    private final SocketAddress target;
    private final boolean[] echoed = new boolean[COUNT];
    private int next;
    long sentCrc;
    long echoedCrc;
    int duplicatesOrStrays;

    WindowedClient(EventLoop loop, SocketAddress target) {
      super(loop);
      this.target = target;
      keep = false;
    }

    void start() {
      for (int i = 0; i < WINDOW; i++) {
        sendNext();
      }
    }

    private void sendNext() {
      if (next == COUNT) {
        return;
      }
      int seq = next++;
      ByteBuffer b = datagram(seq);
      sentCrc += crc(b);
      if (target == null) {
        transport.send(b);
      } else {
        transport.sendTo(b, target);
      }
      assertEquals(0, b.remaining(), "sendTo consumes the buffer");
    }

    @Override
    void onDatagram(ByteBuffer data, SocketAddress address) {
      assertTrue(data.isReadOnly(), "a read-only view");
      int seq = data.getInt(data.position());
      if (seq < 0 || seq >= COUNT || echoed[seq]) {
        duplicatesOrStrays++;
      } else {
        echoed[seq] = true;
        echoedCrc += crc(data);
        assertEquals(datagram(seq), data, "the echo of datagram " + seq);
      }
      sendNext();
    }
  }

  static ByteBuffer datagram(int seq) {
    int size = 4 + (int) ((seq * 2654435761L) % (MAX_SIZE + 1));
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(seq);
    for (int i = 4; i < size; i++) {
      b.put((byte) (seq * 31 + i));
    }
    return b.flip();
  }

  static long crc(ByteBuffer b) {
    CRC32 c = new CRC32();
    c.update(b.duplicate());
    return c.getValue();
  }
}
