package zloop;

/**
 * How {@link EventLoop#createServer} listens.
 *
 * @param backlog the listen backlog (asyncio's default: 100)
 * @param reuseAddress {@code SO_REUSEADDR} (default true, as asyncio on POSIX)
 * @param reusePort {@code SO_REUSEPORT}, to share a port between loops (default false)
 * @param startServing accept at once (default true) or only after {@link Server#startServing()}
 * @param tls serve TLS with these options (asyncio's {@code ssl=}), or {@code null} for plain
 *     connections (default)
 */
public record ServerOptions(
    int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, TlsOptions tls) {
  public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, true, null);

  public ServerOptions {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
    }
  }

  /** Plain (no TLS) options. */
  public ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing) {
    this(backlog, reuseAddress, reusePort, startServing, null);
  }

  public ServerOptions withBacklog(int value) {
    return new ServerOptions(value, reuseAddress, reusePort, startServing, tls);
  }

  public ServerOptions withReuseAddress(boolean value) {
    return new ServerOptions(backlog, value, reusePort, startServing, tls);
  }

  public ServerOptions withReusePort(boolean value) {
    return new ServerOptions(backlog, reuseAddress, value, startServing, tls);
  }

  public ServerOptions withStartServing(boolean value) {
    return new ServerOptions(backlog, reuseAddress, reusePort, value, tls);
  }

  public ServerOptions withTls(TlsOptions value) {
    return new ServerOptions(backlog, reuseAddress, reusePort, startServing, value);
  }
}
