package zloop.test.support;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocking JDK sockets as peers zloop did not write: each connect returns once the kernel has the
 * connection (in the listener's backlog if nobody accepts yet); {@link #close()} closes them all.
 */
public final class Peers implements AutoCloseable {

  private final List<Socket> sockets = new ArrayList<>();

  /** A new peer connected to {@code to}. */
  public Socket connect(SocketAddress to) throws IOException {
    Socket peer = new Socket();
    sockets.add(peer);
    peer.connect(to);
    return peer;
  }

  /** The peers, in the order they connected. */
  public List<Socket> all() {
    return sockets;
  }

  @Override
  public void close() throws IOException {
    for (Socket peer : sockets) {
      peer.close();
    }
  }
}
