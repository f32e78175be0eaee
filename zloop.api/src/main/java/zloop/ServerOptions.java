package zloop;

/**
 * How {@link EventLoop#createServer} listens.
 *
 * @param backlog the listen backlog (asyncio's default: 100)
 * @param reuseAddress {@code SO_REUSEADDR} (default true, as asyncio on POSIX)
 * @param reusePort {@code SO_REUSEPORT}, to share a port between loops (default false)
 * @param startServing accept at once (default true) or only after {@link Server#startServing()}
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing) {
  public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, true);

  public ServerOptions {
    if (backlog < 0) {
      throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
    }
  }

  public ServerOptions withBacklog(int value) {
    return new ServerOptions(value, reuseAddress, reusePort, startServing);
  }

  public ServerOptions withReuseAddress(boolean value) {
    return new ServerOptions(backlog, value, reusePort, startServing);
  }

  public ServerOptions withReusePort(boolean value) {
    return new ServerOptions(backlog, reuseAddress, value, startServing);
  }

  public ServerOptions withStartServing(boolean value) {
    return new ServerOptions(backlog, reuseAddress, reusePort, value);
  }
}
