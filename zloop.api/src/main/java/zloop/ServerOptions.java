package zloop;

import java.util.Objects;

/**
 * How {@link EventLoop#createServer} listens: asyncio's {@code create_server} keyword arguments.
 * Immutable; start from {@link #DEFAULT} and change what differs with the {@code withX} copies, so
 * new options can be added without breaking callers:
 *
 * <pre>{@code
 * ServerOptions.DEFAULT.withBacklog(1024).withReusePort(true)
 * }</pre>
 */
public final class ServerOptions {

  /** asyncio's defaults: backlog 100, {@code SO_REUSEADDR}, no {@code SO_REUSEPORT}, serving, plain. */
  public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, true, null);

  private final int backlog;
  private final boolean reuseAddress;
  private final boolean reusePort;
  private final boolean startServing;
  private final TlsOptions tls;

  private ServerOptions(
      int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, TlsOptions tls) {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
    }
    this.backlog = backlog;
    this.reuseAddress = reuseAddress;
    this.reusePort = reusePort;
    this.startServing = startServing;
    this.tls = tls;
  }

  /**
   * The listen backlog (asyncio's default: 100).
   *
   * @return the backlog
   */
  public int backlog() {
    return backlog;
  }

  /**
   * Whether {@code SO_REUSEADDR} is set (default true, as asyncio on POSIX).
   *
   * @return the flag
   */
  public boolean reuseAddress() {
    return reuseAddress;
  }

  /**
   * Whether {@code SO_REUSEPORT} is set, to share a port between loops (default false).
   *
   * @return the flag
   */
  public boolean reusePort() {
    return reusePort;
  }

  /**
   * Whether the server accepts at once (default) or only after {@link Server#startServing()}.
   *
   * @return the flag
   */
  public boolean startServing() {
    return startServing;
  }

  /**
   * The TLS the server speaks (asyncio's {@code ssl=}), or {@code null} for plain connections
   * (default).
   *
   * @return the TLS options, or {@code null}
   */
  public TlsOptions tls() {
    return tls;
  }

  /**
   * A copy with another backlog.
   *
   * @param value the listen backlog, {@code >= 0}
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public ServerOptions withBacklog(int value) {
    return new ServerOptions(value, reuseAddress, reusePort, startServing, tls);
  }

  /**
   * A copy with {@code SO_REUSEADDR} on or off.
   *
   * @param value whether to set it
   * @return the copy
   */
  public ServerOptions withReuseAddress(boolean value) {
    return new ServerOptions(backlog, value, reusePort, startServing, tls);
  }

  /**
   * A copy with {@code SO_REUSEPORT} on or off.
   *
   * @param value whether to set it
   * @return the copy
   */
  public ServerOptions withReusePort(boolean value) {
    return new ServerOptions(backlog, reuseAddress, value, startServing, tls);
  }

  /**
   * A copy that starts serving at once or not.
   *
   * @param value false to wait for {@link Server#startServing()}
   * @return the copy
   */
  public ServerOptions withStartServing(boolean value) {
    return new ServerOptions(backlog, reuseAddress, reusePort, value, tls);
  }

  /**
   * A copy that serves TLS, or plain connections.
   *
   * @param value the TLS options, or {@code null} for plain connections
   * @return the copy
   */
  public ServerOptions withTls(TlsOptions value) {
    return new ServerOptions(backlog, reuseAddress, reusePort, startServing, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerOptions s
        && backlog == s.backlog
        && reuseAddress == s.reuseAddress
        && reusePort == s.reusePort
        && startServing == s.startServing
        && Objects.equals(tls, s.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(backlog, reuseAddress, reusePort, startServing, tls);
  }

  @Override
  public String toString() {
    return "ServerOptions[backlog=" + backlog + ", reuseAddress=" + reuseAddress + ", reusePort="
        + reusePort + ", startServing=" + startServing + ", tls=" + tls + "]";
  }
}
