package zloop;

import java.util.List;

/**
 * Listening sockets that accept connections for a protocol factory: asyncio's {@code Server}.
 * Loop thread only.
 */
public interface Server extends AutoCloseable {

  /**
   * The loop the server runs on.
   *
   * @return the loop
   */
  EventLoop loop();

  /**
   * Stops listening and closes the listening sockets. Connections already accepted stay open
   * (see {@link #closeClients()}). Idempotent.
   */
  @Override
  void close();

  /**
   * Whether the server is accepting connections.
   *
   * @return {@code true} while accepting
   */
  boolean isServing();

  /**
   * Starts accepting, if it was created with {@code startServing(false)}. Completes at once.
   *
   * @return a future that is already done
   */
  Future<Void> startServing();

  /**
   * Starts accepting and completes only when the server is closed (or the future cancelled).
   *
   * @return a future that completes when the server is closed
   */
  Future<Void> serveForever();

  /**
   * Completes once the server is closed and every connection it accepted is gone.
   *
   * @return a future that completes once the server and its connections are gone
   */
  Future<Void> waitClosed();

  /**
   * The listening sockets, owned by the server (their {@code close()}, {@code bind} and {@code
   * listen} are refused: close the server instead). The same objects on every call; empty once
   * closed.
   *
   * @return the listening sockets, empty once closed
   */
  List<NetSocket> sockets();

  /** Closes every accepted connection gracefully. */
  void closeClients();

  /** Aborts every accepted connection. */
  void abortClients();
}
