package zloop.backend.iouring;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import zloop.engine.spi.SocketHandle;

/**
 * A protocol's receive buffer that the engine reused once its socket closed, filled with a canary
 * byte: a byte the kernel writes into it later shows.
 */
final class Canary {

  private static final byte VALUE = (byte) 0xC5;

  private Canary() {}

  /** Has {@code socket} read into a direct buffer of its protocol's own; returns that buffer. */
  static ByteBuffer lend(SocketHandle socket) {
    Recorder r = new Recorder();
    r.protocolBuffer = ByteBuffer.allocateDirect(4096);
    socket.setStreamHandler(r);
    socket.startReading();
    return r.protocolBuffer;
  }

  /** Fills {@code buffer} with the canary, as a protocol reusing it would overwrite it. */
  static void fill(ByteBuffer buffer) {
    for (int k = 0; k < buffer.capacity(); k++) {
      buffer.put(k, VALUE);
    }
  }

  /** The peer sends after the close; a close that already reset the connection is fine too. */
  static void sendLate(Socket peer) throws IOException {
    try {
      peer.getOutputStream().write("late bytes".getBytes(StandardCharsets.US_ASCII));
    } catch (SocketException e) {
      // the connection is gone: nothing can land anywhere
    }
  }

  /** Fails if the kernel wrote into any of {@code buffers} after {@link #fill}. */
  static void assertUntouched(List<ByteBuffer> buffers) {
    for (int i = 0; i < buffers.size(); i++) {
      ByteBuffer b = buffers.get(i);
      for (int k = 0; k < b.capacity(); k++) {
        if (b.get(k) != VALUE) {
          throw new AssertionError(
              "the kernel wrote into connection " + i + "'s buffer after close, at byte " + k);
        }
      }
    }
  }
}
