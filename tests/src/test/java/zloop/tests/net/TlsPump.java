package zloop.tests.net;

import java.nio.ByteBuffer;
import zloop.Transport;

/**
 * Sends a byte array over a transport in chunks, as a well-behaved producer: it stops at {@code
 * pauseWriting} and goes on at {@code resumeWriting}, so a big transfer never piles up in memory.
 */
final class TlsPump {
  private static final int CHUNK = 256 * 1024;

  private final byte[] data;
  private final boolean closeWhenSent;
  private Transport transport;
  private int sent;
  private boolean paused;
  int pauses;

  TlsPump(byte[] data, boolean closeWhenSent) {
    this.data = data;
    this.closeWhenSent = closeWhenSent;
  }

  void start(Transport t) {
    transport = t;
    run();
  }

  void pause() {
    paused = true;
    pauses++;
  }

  void resume() {
    paused = false;
    run();
  }

  boolean done() {
    return sent == data.length;
  }

  private void run() {
    while (transport != null && !paused && sent < data.length && !transport.isClosing()) {
      int n = Math.min(CHUNK, data.length - sent);
      transport.write(ByteBuffer.wrap(data, sent, n));
      sent += n;
      if (sent == data.length && closeWhenSent) {
        transport.close();
      }
    }
  }
}
