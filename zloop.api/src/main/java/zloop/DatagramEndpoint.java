package zloop;

import java.util.Objects;

/**
 * A datagram endpoint {@link EventLoop#createDatagramEndpoint} made: asyncio's {@code (transport,
 * protocol)} pair.
 *
 * @param <P> the protocol type the factory made
 * @param transport the endpoint's transport
 * @param protocol the protocol the factory made
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
  /**
   * Checks both parts.
   *
   * @throws NullPointerException if either is {@code null}
   */
  public DatagramEndpoint {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(protocol, "protocol");
  }
}
