package zloop;

import java.util.Objects;

/**
 * An established connection: asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type the factory made
 * @param transport the connection's transport
 * @param protocol the protocol the factory made
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {
  /**
   * Checks the pair.
   *
   * @param transport the connection's transport
   * @param protocol the protocol the factory made
   */
  public Connection {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(protocol, "protocol");
  }
}
