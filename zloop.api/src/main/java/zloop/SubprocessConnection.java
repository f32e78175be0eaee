package zloop;

import java.util.Objects;

/**
 * What {@link EventLoop#subprocessExec} returns: asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol's type
 * @param transport the child's transport
 * @param protocol the protocol the factory made
 */
public record SubprocessConnection<P extends SubprocessProtocol>(
    SubprocessTransport transport, P protocol) {

  /** Refuses nulls. */
  public SubprocessConnection {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(protocol, "protocol");
  }
}
