package zloop;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A protocol over a datagram socket (UDP or Unix datagrams): asyncio's {@code DatagramProtocol}.
 * Made by the factory given to {@link EventLoop#createDatagramEndpoint}; all methods run on the
 * loop thread.
 *
 * <p>It hears {@link #connectionMade(DatagramTransport)} first (the stream overload inherited from
 * {@link BaseProtocol}, {@code connectionMade(Transport)}, is never called for a datagram
 * protocol), then {@link #datagramReceived} and {@link #errorReceived} in any order, then {@link
 * #connectionLost} once, on a later turn than the {@code close()} or failure that caused it. {@link
 * #pauseWriting()} and {@link #resumeWriting()} follow the transport's write buffer as on streams.
 *
 * <p>What a method throws (short of a {@link VirtualMachineError}) goes to the loop's exception
 * handler with the transport and the protocol, and aborts the transport, whose {@code
 * connectionLost} then gets that exception; a failing {@code connectionMade} is only reported, as
 * on a plain stream.
 */
public non-sealed interface DatagramProtocol extends BaseProtocol {

  /**
   * The socket is ready; keep the transport to send with it. Runs before any datagram arrives.
   *
   * @param transport the endpoint's transport
   */
  default void connectionMade(DatagramTransport transport) {}

  /**
   * A datagram arrived.
   *
   * @param data the datagram's bytes, from position to limit: a read-only view valid only during
   *     this call (zero copy from the loop's receive memory), so copy what you keep; may be empty
   * @param address the sender's address ({@link java.net.InetSocketAddress} or {@link
   *     UnixAddress}), or {@code null} for a Unix sender without a name
   */
  void datagramReceived(ByteBuffer data, SocketAddress address);

  /**
   * A send or a receive failed, and the socket goes on: most often an ICMP error the kernel
   * queued for a connected socket (a {@link java.net.PortUnreachableException} when nobody
   * listens at the peer's port), or a datagram too large to send. Nothing is closed; the datagram
   * that failed is dropped, as in asyncio.
   *
   * @param exception what the kernel reported
   */
  default void errorReceived(IOException exception) {}
}
