package zloop.tests.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * A peer zloop did not write: a blocking {@link java.net.ServerSocket} on loopback whose
 * connections are served by plain threads. Closing it closes everything it opened.
 */
final class PlainPeer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** What a reading peer saw: the bytes until EOF (or the error that ended the stream). */
  record ReadResult(long count, long crc, IOException error, long foreign) {}

  /**
   * @param receiveBuffer SO_RCVBUF for accepted sockets (small, to keep the kernel from buffering
   *     much), or 0 for the default
   */
  PlainPeer(int receiveBuffer) throws IOException {
    server = new ServerSocket();
    if (receiveBuffer > 0) {
      server.setReceiveBufferSize(receiveBuffer); // inherited by accepted sockets
    }
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  int port() {
    return server.getLocalPort();
  }

  /**
   * Accepts one connection, waits for {@code go}, then reads until EOF. If {@code resetAfter} is
   * not negative, once that many bytes arrived it closes with SO_LINGER 0 instead: a TCP reset.
   */
  CompletableFuture<ReadResult> acceptThenRead(CountDownLatch go, long resetAfter) {
    return acceptThenRead(go, resetAfter, -1);
  }

  /**
   * As {@link #acceptThenRead(CountDownLatch, long)}; if {@code fill} is a byte value (0..255),
   * also counts the bytes that are not that value ({@link ReadResult#foreign}).
   */
  CompletableFuture<ReadResult> acceptThenRead(CountDownLatch go, long resetAfter, int fill) {
    CompletableFuture<ReadResult> result = new CompletableFuture<>();
    Thread t =
        Thread.ofPlatform()
            .name("plain-peer")
            .daemon()
            .start(
                () -> {
                  long count = 0;
                  long foreign = 0;
                  CRC32 crc = new CRC32();
                  try {
                    Socket s = server.accept();
                    synchronized (sockets) {
                      sockets.add(s);
                    }
                    go.await();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64 * 1024];
                    while (true) {
                      int n = in.read(buf);
                      if (n < 0) {
                        break;
                      }
                      crc.update(buf, 0, n);
                      count += n;
                      if (fill >= 0) {
                        for (int i = 0; i < n; i++) {
                          if ((buf[i] & 0xff) != fill) {
                            foreign++;
                          }
                        }
                      }
                      if (resetAfter >= 0 && count >= resetAfter) {
                        s.setSoLinger(true, 0);
                        s.close(); // RST: the peer vanishes mid-stream
                        break;
                      }
                    }
                    result.complete(new ReadResult(count, crc.getValue(), null, foreign));
                  } catch (IOException e) {
                    result.complete(new ReadResult(count, crc.getValue(), e, foreign));
                  } catch (InterruptedException e) {
                    result.completeExceptionally(e);
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                });
    synchronized (threads) {
      threads.add(t);
    }
    return result;
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    synchronized (threads) {
      try {
        for (Thread t : threads) {
          t.join(TimeUnit.SECONDS.toMillis(10));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
