package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;

/**
 * The races a completion backend must win: completions that outlive their socket, and operations
 * of one kind that must not disturb another kind in flight on the same socket.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class StaleCompletionTest {

  /**
   * A RECV completion carrying bytes is posted for socket A but not yet dispatched; A closes, and a
   * new socket B gets A's fd number and A's slot. The completion must be dropped (its provided
   * buffer recycled), never delivered to B.
   */
  @Test
  void aRecvCompletionForAClosedSocketNeverReachesTheSocketReusingItsFdAndSlot() throws Exception {
    try (Driver driver = new Driver();
        ServerSocket otherServer = new ServerSocket(0, 50, Driver.LOOPBACK);
        Socket peerA = new Socket()) {
      SocketHandle listener = driver.listen();
      Driver.Accepted accepted = new Driver.Accepted();
      listener.startAccepting(accepted);
      peerA.connect(listener.localAddress());
      driver.pollUntil(() -> accepted.sockets.size() == 1, "A accepted");
      listener.stopAccepting();
      IoUringSocket a = (IoUringSocket) accepted.sockets.getFirst();
      Recorder recorderA = new Recorder();
      a.setStreamHandler(recorderA);
      a.startReading();
      driver.poll(0); // the multishot RECV is armed

      // The kernel posts A's completion, but zloop does not look at it yet.
      driver.backend.setCompletionsPerPoll(0);
      peerA.getOutputStream().write("old".getBytes(UTF_8));
      driver.pollUntil(() -> driver.backend.pendingCompletions() > 0, "A's RECV completion");
      assertEquals(0, recorderA.received);

      int fd = a.fd();
      int slot = a.slot;
      long recycled = driver.backend.buffers().recycled();
      a.close();
      IoUringSocket b = (IoUringSocket) driver.backend.openSocket(SocketKind.TCP4);
      assertEquals(fd, b.fd(), "the kernel reused A's fd number");
      assertEquals(slot, b.slot, "B took A's slot");
      Recorder recorderB = new Recorder();
      b.setStreamHandler(recorderB);
      boolean[] connected = new boolean[1];
      b.connect(otherServer.getLocalSocketAddress(), failure -> connected[0] = failure == null);

      driver.backend.setCompletionsPerPoll(4096);
      driver.poll(0); // dispatches A's completion: stale
      assertEquals(recycled + 1, driver.backend.buffers().recycled(), "A's buffer came back");
      driver.pollUntil(() -> connected[0], "B connected");
      b.startReading();
      try (Socket peerB = otherServer.accept()) {
        peerB.getOutputStream().write("new".getBytes(UTF_8));
        driver.pollUntil(() -> recorderB.received == 3, "B's own bytes");
      }
      assertEquals("new", recorderB.text());
      assertEquals(0, recorderA.received);
      assertEquals(0, recorderB.errors.size());
    }
  }

  /** Waiting for writability while a RECV is armed must leave the RECV current. */
  @Test
  void armingAWritePollWhileARecvIsInFlightKeepsTheRecvCurrent() throws Exception {
    try (Driver driver = new Driver()) {
      Driver.Pair pair = driver.connect(driver.listen());
      Recorder client = new Recorder();
      Recorder server = new Recorder();
      pair.client().setStreamHandler(client);
      pair.server().setStreamHandler(server);
      pair.server().startReading();
      driver.poll(0);
      IoUringSocket s = (IoUringSocket) pair.server();
      long recvBefore = driver.backend.userData(s.slot, UserData.RECV);

      int[] writable = new int[1];
      s.awaitWritable(() -> writable[0]++);
      driver.pollUntil(() -> writable[0] == 1, "writability");
      assertEquals(recvBefore, driver.backend.userData(s.slot, UserData.RECV), "same RECV");

      client.send(pair.client(), "still reading".getBytes(UTF_8));
      driver.pollUntil(() -> server.received == 13, "bytes through the armed RECV");
      assertEquals("still reading", server.text());
    }
  }

  /**
   * The engine's abort clears the write queue and recycles its buffers while a SEND may still be
   * in flight from them: the backend must cancel that send, so the peer never gets bytes the engine
   * wrote into those buffers afterwards (nor anything past what onWritten reported).
   */
  @Test
  void aSendInFlightFromAQueueTheEngineDroppedIsCancelled() throws Exception {
    try (Driver driver = new Driver();
        ServerSocket server = new ServerSocket(0, 50, Driver.LOOPBACK)) {
      SocketHandle client = driver.backend.openSocket(SocketKind.TCP4);
      boolean[] connected = new boolean[1];
      client.connect(server.getLocalSocketAddress(), failure -> connected[0] = failure == null);
      driver.pollUntil(() -> connected[0], "connected");
      try (Socket peer = server.accept()) {
        Recorder sender = new Recorder();
        client.setStreamHandler(sender);
        for (int i = 0; i < 256; i++) { // 16 MiB of 0x11: far more than the socket buffers hold
          ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
          while (chunk.hasRemaining()) {
            chunk.put((byte) 0x11);
          }
          sender.queue.add(chunk.flip());
        }
        client.flush(sender.queue);
        long[] last = {-1};
        int[] still = {0};
        driver.pollUntil(
            () -> {
              still[0] = sender.written == last[0] ? still[0] + 1 : 0;
              last[0] = sender.written;
              return still[0] == 5;
            },
            "the peer's buffers to fill");
        long reported = sender.written;

        // What abort does: drop the queue, and reuse its buffers for someone else's bytes.
        sender.queue.clear(
            b -> {
              b.clear();
              while (b.hasRemaining()) {
                b.put((byte) 0xEE);
              }
            });
        // The peer drains its buffers now, so a send still in flight would go on.
        long[] got = {0};
        AtomicReference<AssertionError> wrong = new AtomicReference<>();
        Thread reader =
            Thread.ofPlatform()
                .start(
                    () -> {
                      byte[] buffer = new byte[64 * 1024];
                      try {
                        for (int n; (n = peer.getInputStream().read(buffer)) > 0; ) {
                          for (int i = 0; i < n; i++) {
                            if (buffer[i] != 0x11) {
                              wrong.compareAndSet(
                                  null, new AssertionError("byte " + (got[0] + i) + " was recycled"));
                            }
                          }
                          synchronized (got) {
                            got[0] += n;
                          }
                        }
                      } catch (IOException e) {
                        wrong.compareAndSet(null, new AssertionError(e));
                      }
                    });
        driver.pollUntil(
            () -> {
              synchronized (got) {
                return got[0] >= reported;
              }
            },
            "the peer reading what was sent");
        for (int i = 0; i < 20; i++) {
          driver.poll(1_000_000L); // room for a send that was not cancelled to go on
        }
        client.close();
        reader.join();
        if (wrong.get() != null) {
          throw wrong.get();
        }
        assertEquals(reported, got[0], "the peer got exactly what onWritten reported");
      }
    }
  }

  /** The conformance check for the batching rule: one io_uring_enter per poll() under load. */
  @Test
  void atMostOneEnterPerPollWhileEchoing() throws Exception {
    try (Driver driver = new Driver()) {
      Driver.Pair pair = driver.connect(driver.listen());
      Recorder client = new Recorder(false);
      Recorder server = new Recorder(false);
      pair.client().setStreamHandler(client);
      pair.server().setStreamHandler(server);
      pair.client().startReading();
      pair.server().startReading();
      long enters = driver.backend.enterCalls();
      long polls = driver.polls;
      byte[] message = new byte[10 * 1024];
      for (int i = 1; i <= 200; i++) {
        long expected = (long) i * message.length;
        client.send(pair.client(), message);
        driver.pollUntil(() -> server.received == expected, "the message at the server");
        server.send(pair.server(), message);
        driver.pollUntil(() -> client.received == expected, "the echo at the client");
      }
      long enterCalls = driver.backend.enterCalls() - enters;
      long pollCalls = driver.polls - polls;
      assertTrue(pollCalls >= 400, "polls: " + pollCalls);
      assertTrue(enterCalls <= pollCalls, enterCalls + " enters in " + pollCalls + " polls");
    }
  }

  /** A turn that writes more entries than the queue holds submits early, and loses nothing. */
  @Test
  void aTurnWithMoreSubmissionsThanTheQueueHoldsSubmitsEarly() throws Exception {
    Config tiny = new Config(8, 64, 8, 4096, 64, true);
    try (Driver driver = new Driver(tiny)) {
      SocketHandle listener = driver.listen();
      Driver.Accepted accepted = new Driver.Accepted();
      listener.startAccepting(accepted);
      int n = 40;
      int[] connected = new int[1];
      for (int i = 0; i < n; i++) {
        driver
            .backend
            .openSocket(SocketKind.TCP4)
            .connect(
                new InetSocketAddress(Driver.LOOPBACK, ((InetSocketAddress) listener.localAddress()).getPort()),
                failure -> connected[0]++);
      }
      long enters = driver.backend.enterCalls();
      driver.poll(0);
      assertTrue(driver.backend.enterCalls() - enters > 1, "40 connects do not fit 8 entries");
      driver.pollUntil(() -> connected[0] == n && accepted.sockets.size() == n, "all of them");
    }
  }
}
