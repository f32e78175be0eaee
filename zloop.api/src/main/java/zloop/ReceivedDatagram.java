package zloop;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One datagram {@link EventLoop#sockRecvFrom} or {@link EventLoop#sockRecvFromInto} received:
 * asyncio's {@code (data, address)} pair.
 *
 * @param data the bytes, from position to limit (for {@code sockRecvFromInto}, a slice of the
 *     caller's buffer)
 * @param address the sender, or {@code null} for a Unix sender without a name
 */
public record ReceivedDatagram(ByteBuffer data, SocketAddress address) {
  /**
   * The datagram's size.
   *
   * @return the number of bytes received
   */
  public int size() {
    return data.remaining();
  }
}
