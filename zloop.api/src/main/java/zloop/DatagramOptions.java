package zloop;

import java.net.StandardProtocolFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link EventLoop#createDatagramEndpoint} sets up its socket. Immutable: start from {@link
 * #DEFAULT} and change what differs with the {@code withX} methods, which return copies.
 *
 * <p>There is no {@code SO_REUSEADDR} option: on UDP it lets another process steal a bound port's
 * datagrams, which is why asyncio removed {@code reuse_address} from {@code
 * create_datagram_endpoint}; {@link #withReusePort} shares a port between sockets of one user.
 */
public final class DatagramOptions {

  /** No port sharing, no broadcast, the family taken from the addresses. */
  public static final DatagramOptions DEFAULT = new DatagramOptions(null, false, false);

  private final StandardProtocolFamily family;
  private final boolean reusePort;
  private final boolean allowBroadcast;

  private DatagramOptions(StandardProtocolFamily family, boolean reusePort, boolean allowBroadcast) {
    this.family = family;
    this.reusePort = reusePort;
    this.allowBroadcast = allowBroadcast;
  }

  /**
   * The address family to open, when neither a local nor a remote address says it.
   *
   * @param value {@code INET}, {@code INET6} or {@code UNIX}
   * @return a copy with that family
   */
  public DatagramOptions withFamily(StandardProtocolFamily value) {
    return new DatagramOptions(Objects.requireNonNull(value, "family"), reusePort, allowBroadcast);
  }

  /**
   * {@code SO_REUSEPORT} before binding: several sockets may bind the same address and port (the
   * kernel spreads datagrams between them).
   *
   * @param value whether to set it
   * @return a copy with that setting
   */
  public DatagramOptions withReusePort(boolean value) {
    return new DatagramOptions(family, value, allowBroadcast);
  }

  /**
   * {@code SO_BROADCAST}: the socket may send to broadcast addresses.
   *
   * @param value whether to set it
   * @return a copy with that setting
   */
  public DatagramOptions withAllowBroadcast(boolean value) {
    return new DatagramOptions(family, reusePort, value);
  }

  /**
   * The family asked for with {@link #withFamily}.
   *
   * @return the family, or empty to take it from the addresses
   */
  public Optional<StandardProtocolFamily> family() {
    return Optional.ofNullable(family);
  }

  /**
   * Whether {@code SO_REUSEPORT} is set.
   *
   * @return the setting
   */
  public boolean reusePort() {
    return reusePort;
  }

  /**
   * Whether {@code SO_BROADCAST} is set.
   *
   * @return the setting
   */
  public boolean allowBroadcast() {
    return allowBroadcast;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatagramOptions other
        && family == other.family
        && reusePort == other.reusePort
        && allowBroadcast == other.allowBroadcast;
  }

  @Override
  public int hashCode() {
    return Objects.hash(family, reusePort, allowBroadcast);
  }

  @Override
  public String toString() {
    return "DatagramOptions[family="
        + family
        + ", reusePort="
        + reusePort
        + ", allowBroadcast="
        + allowBroadcast
        + "]";
  }
}
