package zloop;

import java.util.List;

/**
 * Listening sockets that accept connections for a protocol factory: asyncio's {@code Server}.
 * Loop thread only.
 */
public interface Server extends AutoCloseable {

  /** The loop the server runs on. */
  EventLoop loop();

  /**
   * Stops listening and closes the listening sockets. Connections already accepted stay open
   * (see {@link #closeClients()}). Idempotent.
   */
  @Override
  void close();

  /** Whether the server is accepting connections. */
  boolean isServing();

  /** Starts accepting, if it was created with {@code startServing(false)}. Completes at once. */
  Future<Void> startServing();

  /** Starts accepting and completes only when the server is closed (or the future cancelled). */
  Future<Void> serveForever();

  /** Completes once the server is closed and every connection it accepted is gone. */
  Future<Void> waitClosed();

  /**
   * The listening sockets, owned by the server (their {@code close()}, {@code bind} and {@code
   * listen} are refused: close the server instead). The same objects on every call; empty once
   * closed.
   */
  List<NetSocket> sockets();

  /** Closes every accepted connection gracefully. */
  void closeClients();

  /** Aborts every accepted connection. */
  void abortClients();
}
