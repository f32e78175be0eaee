package zloop.engine.spi;

import java.io.IOException;

/** Receives what a listening {@link SocketHandle} accepts. */
public interface AcceptHandler {

  /** A new connection, already non-blocking and close-on-exec; the handler owns it. */
  void onAccept(SocketHandle accepted);

  /**
   * Accepting failed.
   *
   * @param resourceExhausted the process or system ran out of descriptors or memory ({@code
   *     EMFILE}, {@code ENFILE}, {@code ENOBUFS}, {@code ENOMEM}): the listener is fine, and the
   *     engine pauses accepting for a while rather than spinning
   */
  void onAcceptError(IOException failure, boolean resourceExhausted);
}
