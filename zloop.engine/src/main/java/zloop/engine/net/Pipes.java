package zloop.engine.net;

import zloop.BaseProtocol;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.spi.SocketHandle;

/**
 * Pipe transports: the stream transport run over a pipe handle ({@link
 * zloop.engine.spi.Backend#openPipe}), so a pipe buffers, pauses and resumes at the watermarks,
 * closes and reports {@code connectionLost} exactly as a socket does. No second copy of the
 * transport logic.
 */
public final class Pipes {
  private Pipes() {}

  /**
   * Makes the transport and schedules {@code connectionMade}, then reading (a read end), then
   * {@code onStarted}, on the next turn.
   *
   * @param loop the loop
   * @param pipe the pipe handle; the transport owns it from now on
   * @param protocol the protocol
   * @param onStarted run after {@code connectionMade}, or {@code null}
   * @return the transport
   */
  public static Transport open(Loop loop, SocketHandle pipe, BaseProtocol protocol, Runnable onStarted) {
    StreamTransport t = new StreamTransport(loop, pipe, protocol, null);
    t.start(onStarted);
    return t;
  }
}
