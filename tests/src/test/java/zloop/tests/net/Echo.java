package zloop.tests.net;

import java.nio.ByteBuffer;
import zloop.BufferedProtocol;
import zloop.Protocol;
import zloop.Transport;

/** Echo servers' protocols: the plain one (dataReceived) and the buffered one (getBuffer). */
final class Echo {
  private Echo() {}

  /** Writes back what it receives; closes when the peer does. */
  static class Plain implements Protocol {
    Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      transport.write(data);
    }
  }

  /** Writes back what the loop reads into its own buffer; closes when the peer does. */
  static final class Buffered implements BufferedProtocol {
    private final ByteBuffer buffer;
    Transport transport;

    Buffered(int capacity, boolean direct) {
      buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      // The bytes are at [0, nbytes): getBuffer handed out the buffer at position 0.
      transport.write(buffer.slice(0, nbytes));
    }
  }
}
