package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * On a ring any thread may drive, the kernel cancels a thread's requests when it exits. A CONNECT
 * still in progress then completes with ECANCELED, yet the connection goes on in the background:
 * it must be reported with its real outcome, not as a failure.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ConnectThreadExitTest {

  @Test
  void aConnectCancelledByItsThreadExitingReportsTheRealOutcome() throws Exception {
    Config shared = KernelTargetTest.config("shared");
    // A listener whose accept queue is full (backlog 1 holds two): the kernel drops the next SYN,
    // so a connect to it stays in progress until a retransmission finds room.
    try (Driver driver = new Driver(shared);
        ServerSocket full = new ServerSocket(0, 1, Driver.LOOPBACK)) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          Socket s = new Socket();
          s.connect(full.getLocalSocketAddress());
          fillers.add(s);
        }
        SocketHandle socket = driver.backend.openSocket(SocketKind.TCP4);
        AtomicReference<IOException> outcome = new AtomicReference<>();
        boolean[] done = new boolean[1];
        socket.connect(
            full.getLocalSocketAddress(),
            failure -> {
              outcome.set(failure);
              done[0] = true;
            });
        // A thread submits the CONNECT, then exits: the kernel cancels it.
        Thread first =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        driver.poll(0);
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    });
        first.join();
        driver.poll(0); // this thread takes over and sees the cancelled CONNECT's completion
        // Make room: the connection completes once a retransmitted SYN gets through.
        full.accept().close();
        full.accept().close();
        driver.pollUntil(() -> done[0], "the connect's outcome");
        assertNull(outcome.get(), "connected: the cancel was the exiting thread's, not a failure");
        assertEquals(full.getLocalSocketAddress(), socket.remoteAddress());
        socket.close();
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }
}
