package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;

/**
 * One poll is one turn: it must not sleep while the engine has work its handlers made ready, and
 * a ring too small for the load must neither lose a completion nor stop the loop.
 */
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class TurnTest {

  /**
   * A protocol's getBuffer, called while the submission phase arms a receive, fails: the engine
   * closes the transport and schedules connectionLost. The very same poll must come back without
   * sleeping, though nothing else will ever happen (no timer, no I/O): a poll with no timeout.
   */
  @Test
  void workMadeReadyWhileArmingAReceiveKeepsThatPollFromSleeping() throws Exception {
    try (Driver driver = new Driver()) {
      SocketHandle listener = driver.listen();
      Driver.Pair pair = driver.connect(listener);
      StreamHandler failing =
          new StreamHandler() {
            @Override
            public java.nio.ByteBuffer readBuffer() {
              // What StreamTransport does when getBuffer throws: close, schedule connectionLost.
              driver.context.readyWork = true;
              pair.server().close();
              return null;
            }

            @Override
            public void onData(java.nio.ByteBuffer data) {}

            @Override
            public void onDataInto(int n) {}

            @Override
            public void onEof() {}

            @Override
            public void onError(java.io.IOException failure) {}

            @Override
            public void onWritten(long n) {}
          };
      for (int i = 0; i < 3; i++) {
        driver.poll(1_000_000L); // what connecting left (stopAccepting's cancel) is done
      }
      assertEquals(0, driver.backend.pendingCompletions());
      pair.server().setStreamHandler(failing);
      pair.server().startReading();

      // A safety net, not a measurement: if the poll sleeps, nothing would ever wake it.
      CountDownLatch returned = new CountDownLatch(1);
      AtomicBoolean rescued = new AtomicBoolean();
      Thread watchdog =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      if (!returned.await(20, TimeUnit.SECONDS)) {
                        rescued.set(true);
                        driver.backend.wakeup();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      long polls = driver.polls;
      driver.poll(-1); // the turn that arms the receive, and runs the failing getBuffer
      returned.countDown();
      watchdog.join();
      assertEquals(polls + 1, driver.polls);
      assertFalse(rescued.get(), "the poll slept with work ready: only the watchdog woke it");
      pair.client().close();
      listener.close();
    }
  }

  /**
   * A ring of 2 submission and 8 completion entries, 48 connections sending at once, and a poll
   * that dispatches at most 4 completions: the completion queue overflows again and again (the
   * kernel keeps the overflow, IORING_FEAT_NODROP). Every byte and every end of stream still
   * arrives, in order, and the loop keeps serving.
   */
  @Test
  void aTinyRingThatOverflowsLosesNoCompletionAndKeepsServing() throws Exception {
    int connections = 48;
    int perConnection = 256 * 1024;
    Config tiny = new Config(2, 8, 8, 4096, 4, true);
    try (Driver driver = new Driver(tiny)) {
      SocketHandle listener = driver.listen();
      Driver.Accepted accepted = new Driver.Accepted();
      listener.startAccepting(accepted);
      List<Socket> peers = new ArrayList<>();
      try {
        for (int i = 0; i < connections; i++) {
          Socket s = new Socket();
          s.connect(listener.localAddress());
          peers.add(s);
        }
        driver.pollUntil(() -> accepted.sockets.size() == connections, "every connection accepted");
        List<Recorder> recorders = new ArrayList<>();
        for (SocketHandle s : accepted.sockets) {
          Recorder r = new Recorder(false);
          recorders.add(r);
          s.setStreamHandler(r);
          s.startReading();
        }
        byte[] data = new byte[perConnection];
        for (int i = 0; i < data.length; i++) {
          data[i] = (byte) (i * 31 + 7);
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        List<Thread> writers = new ArrayList<>();
        for (Socket s : peers) {
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try (OutputStream out = s.getOutputStream()) {
                          for (int off = 0; off < data.length; off += 8192) {
                            out.write(data, off, 8192);
                          }
                        } catch (java.io.IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      }));
        }
        driver.pollUntil(
            () -> recorders.stream().allMatch(r -> r.eofs == 1 || !r.errors.isEmpty()),
            "every stream to its end");
        for (Thread w : writers) {
          w.join();
        }
        assertTrue(driver.backend.overflows() > 0, "the completion queue overflowed");
        for (int i = 0; i < connections; i++) {
          Recorder r = recorders.get(i);
          assertEquals(List.of(), r.errors, "connection " + i);
          assertEquals(perConnection, r.received, "connection " + i + ": every byte");
          assertEquals(crc.getValue(), r.crc(), "connection " + i + ": in order");
        }
        // Still serving: one more connection, one more message.
        Driver.Pair pair = driver.connect(listener);
        Recorder echo = new Recorder();
        pair.server().setStreamHandler(echo);
        pair.server().startReading();
        Recorder sender = new Recorder();
        pair.client().setStreamHandler(sender);
        sender.send(pair.client(), "still here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        driver.pollUntil(() -> echo.received == 10, "a message after the storm");
        pair.client().close();
        pair.server().close();
        for (SocketHandle s : accepted.sockets) {
          s.close();
        }
      } finally {
        for (Socket s : peers) {
          s.close();
        }
        listener.close();
      }
    }
  }
}
