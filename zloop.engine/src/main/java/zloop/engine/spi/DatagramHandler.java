package zloop.engine.spi;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** The engine's side of a reading {@link DatagramHandle}: what the backend reports to it. */
public interface DatagramHandler {

  /**
   * A datagram arrived: {@code data} (position to limit) is a read-only view valid only during the
   * call; {@code sender} is {@code null} for an unnamed Unix socket.
   */
  void onDatagram(ByteBuffer data, SocketAddress sender);

  /**
   * The kernel reported an error while receiving (an ICMP error queued for a connected socket, a
   * datagram too long for the backend's buffer). The socket stays usable and reading goes on.
   */
  void onError(IOException failure);
}
