package zloop.engine.spi;

import java.io.IOException;

/** Learns how a {@link SocketHandle#connect} ended. */
@FunctionalInterface
public interface ConnectHandler {
  /** @param failure {@code null} when connected */
  void onConnect(IOException failure);
}
