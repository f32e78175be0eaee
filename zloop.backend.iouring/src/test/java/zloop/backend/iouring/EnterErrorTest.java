package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zloop.engine.spi.SocketHandle;
import zloop.posix.Errno;

/**
 * The errors io_uring_enter(2) documents for a ring under pressure, which this kernel (NODROP, no
 * fault injection) never returns on its own: a {@link Ring.EnterHook} puts them in place of the
 * result of chosen enters of a real ring, over real loopback connections. None of them may stop the
 * loop or lose a submission or a completion.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class EnterErrorTest {

  private static final int GETEVENTS = IoUring.IORING_ENTER_GETEVENTS;

  /**
   * {@code EBADR}: the kernel dropped completions it could not keep, and says so once, from an
   * enter that collects completions and submitted nothing (io_uring_enter(2)). The hook runs the
   * real enter, then answers {@code EBADR} in place of its result three times while a peer's
   * messages arrive. Each is reported (an operation may never end), none is fatal, and what the
   * kernel did post is still dispatched: 200 messages arrive and echo back whole and in order,
   * half of them after the last {@code EBADR}.
   */
  @Test
  void droppedCompletionsAreReportedNotFatalAndTheEchoGoesOn() throws Exception {
    int injections = 3;
    int[] injected = new int[1];
    boolean[] armed = new boolean[1];
    int[] collecting = new int[1];
    Ring.EnterHook dropsReported =
        (kernel, toSubmit, minComplete, flags, arg, argSize) -> {
          int r = kernel.enter(toSubmit, minComplete, flags, arg, argSize);
          // As the kernel does: only an enter that collects completions and submitted nothing
          // reports the drop.
          if (armed[0]
              && (flags & GETEVENTS) != 0
              && toSubmit == 0
              && injected[0] < injections
              && ++collecting[0] % 2 == 0) {
            injected[0]++;
            return -IoUring.EBADR;
          }
          return r;
        };
    List<Socket> peers = new ArrayList<>();
    try (Driver driver = new Driver(Config.fromSystemProperties().withEnterHook(dropsReported))) {
      SocketHandle listener = driver.listen();
      SocketHandle server = accept(driver, listener, peers, 1).getFirst();
      Socket peer = peers.getFirst();
      Recorder echo = new Recorder();
      server.setStreamHandler(echo);
      server.startReading();

      armed[0] = true;
      long received = 0;
      int messages = 200;
      for (int i = 0; i < messages; i++) {
        if (i == messages / 2) {
          assertEquals(injections, injected[0], "every EBADR answered before the second half");
          armed[0] = false;
        }
        byte[] message = ("message " + i + "\n").getBytes(UTF_8);
        peer.getOutputStream().write(message);
        received += message.length;
        long expected = received;
        driver.pollUntil(() -> echo.received == expected, "message " + i);
        echo.send(server, message);
        driver.pollUntil(() -> echo.written == expected, "the echo of message " + i);
        assertEquals(new String(message, UTF_8), new String(readFully(peer, message.length), UTF_8));
      }

      assertEquals(List.of(), echo.errors);
      assertEquals(injections, driver.context.errors.size(), "one report per EBADR");
      for (String report : driver.context.errors) {
        assertTrue(report.contains("io_uring dropped completions"), report);
      }
      driver.context.errors.clear(); // expected: the Driver checks that nothing else was reported
      server.close();
      listener.close();
    } finally {
      for (Socket peer : peers) {
        peer.close();
      }
    }
  }

  /**
   * {@code EAGAIN} and {@code EBUSY} from an early submit that the kernel took nothing from (short
   * of memory for requests, or busy flushing overflowed completions): a two-entry submission queue
   * and 16 sockets arming their receive in one turn, then sending in one turn, so that turn
   * submits early again and again. The hook answers the first six early submits with those errors,
   * without calling the kernel. The poll backs off and asks again, never throws, and every receive
   * and send reaches the kernel and completes.
   */
  @Test
  void anEarlySubmitTheKernelTakesNothingFromIsRetriedAndEverySubmissionCompletes()
      throws Exception {
    // An early submit is the one enter of a turn that does not collect completions (GETEVENTS).
    Refusals refusals =
        new Refusals(
            (toSubmit, flags) -> (flags & GETEVENTS) == 0 && toSubmit > 0,
            -Errno.EAGAIN,
            -Errno.EBUSY);
    serveSixteenConnections(new Config(2, 64, 64, 4096, 4096, true), refusals);
    assertEquals(6, refusals.refused, "every refusal was answered to an early submit");
  }

  /**
   * {@code EAGAIN} and {@code EBUSY} from the turn's own enter, which took nothing: that poll
   * returns normally, and the entries it wrote go to the kernel with the next poll's enter. The
   * hook answers the first six enters that have something to submit with those errors, without
   * calling the kernel.
   */
  @Test
  void aTurnWhoseEnterTheKernelTakesNothingFromSubmitsWithTheNextTurn() throws Exception {
    Refusals refusals =
        new Refusals(
            (toSubmit, flags) -> (flags & GETEVENTS) != 0 && toSubmit > 0,
            -Errno.EBUSY,
            -Errno.EAGAIN);
    serveSixteenConnections(Config.fromSystemProperties(), refusals);
    assertEquals(6, refusals.refused, "every refusal was answered to a turn's enter");
  }

  /**
   * {@code EAGAIN} and {@code EBUSY} from the enter that sends a close's cancels at once, so that
   * the kernel lets go of the protocol's receive buffer before the close returns: that enter asks
   * again until the kernel has them. The hook answers the first two enters of each close (the only
   * enters outside a poll) with those errors, without calling the kernel. As without them, no
   * byte a peer sends after the close lands in the buffer the protocol reuses, on every ring kind
   * (without DEFER_TASKRUN the kernel would finish a RECV still armed as the peer's write returns).
   */
  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"defer", "coop", "shared"})
  void theCancelsACloseSendsAtOnceAreRetriedUntilTheKernelHasThem(String ring) throws Exception {
    int connections = 8;
    Refusals refusals = new Refusals((toSubmit, flags) -> true, -Errno.EAGAIN, -Errno.EBUSY);
    try (Driver driver = new Driver(KernelTargetTest.config(ring).withEnterHook(refusals))) {
      SocketHandle listener = driver.listen();
      List<Socket> peers = new ArrayList<>();
      try {
        List<SocketHandle> accepted = accept(driver, listener, peers, connections);
        List<ByteBuffer> lent = new ArrayList<>();
        for (SocketHandle s : accepted) {
          lent.add(Canary.lend(s));
        }
        driver.poll(0); // every RECV is armed into its protocol's buffer, and stays idle

        for (int i = 0; i < connections; i++) {
          refusals.arm(2); // the close's enters are the only ones while armed
          accepted.get(i).close();
          refusals.arm(0);
          Canary.fill(lent.get(i)); // the protocol reuses its buffer at once
          Canary.sendLate(peers.get(i));
        }
        for (int i = 0; i < 3; i++) {
          driver.poll(1_000_000L);
        }
        Canary.assertUntouched(lent);
        assertEquals(connections * 2, refusals.refused, "every close's enter was refused twice");
      } finally {
        for (Socket peer : peers) {
          peer.close();
        }
        listener.close();
      }
      assertEquals(0, driver.backend.orphans().pinnedCount(), "every pinned buffer was released");
    }
  }

  /**
   * The kernel takes none of a close's cancels however often it is asked: the close says so
   * through the loop's error report instead of failing (the engine is closing a transport), and
   * the cancel goes with the next poll, which ends the RECV and releases the buffer it held.
   */
  @Test
  void cancelsTheKernelNeverTakesAtOnceAreReportedAndGoWithTheNextPoll() throws Exception {
    Refusals refusals = new Refusals((toSubmit, flags) -> true, -Errno.EAGAIN);
    try (Driver driver = new Driver(Config.fromSystemProperties().withEnterHook(refusals))) {
      SocketHandle listener = driver.listen();
      List<Socket> peers = new ArrayList<>();
      try {
        SocketHandle socket = accept(driver, listener, peers, 1).getFirst();
        Canary.lend(socket);
        driver.poll(0); // the RECV is armed into the protocol's buffer
        refusals.arm(Integer.MAX_VALUE); // the close's enters are the only ones while armed
        socket.close();
        refusals.arm(0);
        assertEquals(Submitter.SUBMIT_ATTEMPTS, refusals.refused, "the close asked, boundedly");
        assertEquals(1, driver.context.errors.size(), "the close reported it");
        assertTrue(
            driver.context.errors.getFirst().contains("io_uring took none of the cancels"),
            driver.context.errors.getFirst());
        driver.context.errors.clear(); // expected: the Driver checks that nothing else was reported
        assertEquals(1, driver.backend.orphans().pinnedCount(), "the kernel still holds the buffer");
        driver.pollUntil(
            () -> driver.backend.orphans().pinnedCount() == 0, "the RECV ended by the next poll");
      } finally {
        for (Socket peer : peers) {
          peer.close();
        }
        listener.close();
      }
    }
  }

  /** Connects {@code n} peers (added to {@code peers}) and returns what {@code listener} accepted. */
  private static List<SocketHandle> accept(
      Driver driver, SocketHandle listener, List<Socket> peers, int n) throws Exception {
    Driver.Accepted accepted = new Driver.Accepted();
    listener.startAccepting(accepted);
    for (int i = 0; i < n; i++) {
      Socket peer = new Socket();
      peers.add(peer);
      peer.connect(listener.localAddress());
      peer.setSoTimeout(20_000); // a safety net for blocking reads
    }
    driver.pollUntil(() -> accepted.sockets.size() == n, "every connection accepted");
    listener.stopAccepting();
    driver.poll(0); // the accept's cancel goes out before any hook is armed
    return accepted.sockets;
  }

  /**
   * Accepts 16 loopback connections, then, with six of {@code refusals} armed, starts reading on
   * all of them in one turn, receives a message from each peer, and answers each in one turn; every
   * byte must arrive both ways and nothing may be reported.
   */
  private static void serveSixteenConnections(Config config, Refusals refusals) throws Exception {
    int connections = 16;
    int length = "ping 00".length(); // every message: two digits
    List<Socket> peers = new ArrayList<>();
    try (Driver driver = new Driver(config.withEnterHook(refusals))) {
      SocketHandle listener = driver.listen();
      try {
        List<SocketHandle> accepted = accept(driver, listener, peers, connections);
        refusals.arm(6);
        List<Recorder> recorders = new ArrayList<>();
        for (SocketHandle s : accepted) {
          Recorder r = new Recorder();
          recorders.add(r);
          s.setStreamHandler(r);
          s.startReading(); // 16 receives to arm, through two submission entries
        }
        for (int i = 0; i < connections; i++) {
          peers.get(i).getOutputStream().write(message("ping", i));
        }
        driver.pollUntil(
            () -> recorders.stream().allMatch(r -> r.received == length), "every ping");
        for (int i = 0; i < connections; i++) {
          assertEquals(new String(message("ping", i), UTF_8), recorders.get(i).text());
          recorders.get(i).send(accepted.get(i), message("pong", i)); // 16 sends in one turn
        }
        driver.pollUntil(
            () -> recorders.stream().allMatch(r -> r.written == length), "every pong sent");
        for (int i = 0; i < connections; i++) {
          assertEquals(
              new String(message("pong", i), UTF_8),
              new String(readFully(peers.get(i), length), UTF_8));
          assertEquals(List.of(), recorders.get(i).errors, "connection " + i);
        }
        refusals.arm(0);
        for (SocketHandle s : accepted) {
          s.close();
        }
        listener.close();
      } finally {
        for (Socket peer : peers) {
          peer.close();
        }
      }
    }
  }

  private static byte[] message(String word, int i) {
    return String.format("%s %02d", word, i).getBytes(UTF_8);
  }

  private static byte[] readFully(Socket peer, int length) throws IOException {
    InputStream in = peer.getInputStream();
    byte[] b = in.readNBytes(length);
    assertEquals(length, b.length, "end of stream before the whole reply");
    return b;
  }

  /**
   * Answers the enters it is armed for and {@code chosen} picks with the errors of a script, in
   * turn, without calling the kernel (which then took nothing); lets every other enter through.
   */
  private static final class Refusals implements Ring.EnterHook {

    /** Which enters to refuse, by what they submit and their flags. */
    interface Choice {
      boolean picks(int toSubmit, int flags);
    }

    private final Choice chosen;
    private final int[] script;
    private int left;
    int refused;

    Refusals(Choice chosen, int... script) {
      this.chosen = chosen;
      this.script = script;
    }

    /** Refuses the next {@code count} enters {@code chosen} picks (0: none). */
    void arm(int count) {
      left = count;
    }

    @Override
    public int enter(
        Ring.Kernel kernel,
        int toSubmit,
        int minComplete,
        int flags,
        MemorySegment arg,
        long argSize) {
      if (left > 0 && chosen.picks(toSubmit, flags)) {
        left--;
        return script[refused++ % script.length];
      }
      return kernel.enter(toSubmit, minComplete, flags, arg, argSize);
    }
  }
}
