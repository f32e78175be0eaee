package zloop.engine.process;

import java.nio.ByteBuffer;
import zloop.Protocol;
import zloop.Transport;

/**
 * The protocol of one of a child's pipe transports (asyncio's {@code ReadSubprocessPipeProto} and
 * {@code WriteSubprocessPipeProto}): forwards what happens on child descriptor {@link #fd} to the
 * subprocess transport, which tells the user's protocol.
 */
final class PipeProtocol implements Protocol {
  private final SubprocessTransportImpl owner;
  private final int fd;
  private boolean lost;

  PipeProtocol(SubprocessTransportImpl owner, int fd) {
    this.owner = owner;
    this.fd = fd;
  }

  boolean isLost() {
    return lost;
  }

  @Override
  public void connectionMade(Transport transport) {}

  @Override
  public void dataReceived(ByteBuffer data) {
    owner.pipeDataReceived(fd, data);
  }

  /** The end of a pipe closes its transport (asyncio's pipe protocols return nothing). */
  @Override
  public boolean eofReceived() {
    return false;
  }

  @Override
  public void connectionLost(Throwable exception) {
    lost = true;
    owner.pipeConnectionLost(fd, exception);
  }

  @Override
  public void pauseWriting() {
    owner.pauseWriting();
  }

  @Override
  public void resumeWriting() {
    owner.resumeWriting();
  }

  @Override
  public String toString() {
    return "PipeProtocol[fd=" + fd + "]";
  }
}
