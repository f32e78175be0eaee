package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.ExceptionContext;
import zloop.Future;

/**
 * addSignalHandler / removeSignalHandler: a real signal sent to this JVM with {@code kill} reaches
 * the handler on the loop thread, waking a loop blocked in its backend's poll. Only SIGUSR1 is sent
 * to the shared test JVM, and only while a handler is installed; what happens once a handler is
 * given back (the process dies of the signal, or the JVM's handler exits) runs in a forked JVM.
 */
@Timeout(120)
class SignalHandlerTest {

  /** Sends the signal to this JVM with the kill command, from a thread of its own. */
  private static void killSelfSoon(String signal) {
    Thread.ofPlatform().start(() -> SignalProbe.kill(signal));
  }

  @BackendTest
  void aSignalSentToTheJvmRunsItsHandlerOnTheLoopThread(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Thread loopThread = Thread.currentThread();
      Future<Thread> ranOn = loop.createFuture();
      loop.addSignalHandler("SIGUSR1", () -> ranOn.setResult(Thread.currentThread()));
      // Nothing else is scheduled: the loop blocks in poll until the signal wakes it.
      loop.callSoon(() -> killSelfSoon("USR1"));
      assertEquals(loopThread, loop.runUntilComplete(ranOn));
      assertTrue(loop.removeSignalHandler("SIGUSR1"));
    }
  }

  @BackendTest
  void eachSignalRunsTheHandlerAgainAndAddingAgainReplacesTheCallback(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      List<String> calls = new ArrayList<>();
      Future<Void> first = loop.createFuture();
      loop.addSignalHandler("USR1", () -> { calls.add("first"); first.setResult(null); });
      loop.callSoon(() -> killSelfSoon("USR1"));
      loop.runUntilComplete(first);
      Future<Void> second = loop.createFuture();
      loop.addSignalHandler("USR1", () -> { calls.add("second"); second.setResult(null); });
      loop.callSoon(() -> killSelfSoon("USR1"));
      loop.runUntilComplete(second);
      assertEquals(List.of("first", "second"), calls);
      assertTrue(loop.removeSignalHandler("USR1"));
    }
  }

  @BackendTest
  void aHandlerThatThrowsGoesToTheExceptionHandlerAndTheLoopCarriesOn(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      AtomicReference<ExceptionContext> reported = new AtomicReference<>();
      Future<Void> reportedFuture = loop.createFuture();
      loop.setExceptionHandler((l, context) -> { reported.set(context); reportedFuture.setResult(null); });
      loop.addSignalHandler("USR1", () -> { throw new IllegalStateException("handler failed"); });
      loop.callSoon(() -> killSelfSoon("USR1"));
      loop.runUntilComplete(reportedFuture);
      assertEquals("handler failed", reported.get().exception().getMessage());
      assertEquals("still running", loop.runUntilComplete(() -> "still running"));
      loop.removeSignalHandler("USR1");
    }
  }

  @BackendTest
  void removeSaysWhetherTheLoopHadAHandler(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      assertFalse(loop.removeSignalHandler("USR1"));
      loop.addSignalHandler("USR1", () -> {});
      assertTrue(loop.removeSignalHandler("USR1"));
      assertFalse(loop.removeSignalHandler("USR1"));
      IllegalArgumentException unknown =
          assertThrows(IllegalArgumentException.class, () -> loop.removeSignalHandler("NOSUCHSIGNAL"));
      assertTrue(unknown.getMessage().contains("unknown signal"), unknown.getMessage());
    }
  }

  @BackendTest
  void signalsThatCannotBeCaughtOrThatTheJvmUsesAreRefusedSayingWhy(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      String[][] cases = {
        {"KILL", "cannot be caught"},
        {"SIGSTOP", "cannot be caught"},
        {"SEGV", "the JVM uses SIGSEGV"},
        {"BUS", "the JVM uses SIGBUS"},
        {"FPE", "the JVM uses SIGFPE"},
        {"ILL", "the JVM uses SIGILL"},
        {"QUIT", "thread dumps"},
        {"USR2", "suspend and resume threads"},
        {"NOSUCHSIGNAL", "unknown signal 'NOSUCHSIGNAL'"},
      };
      for (String[] c : cases) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler(c[0], () -> {}), c[0]);
        assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler(" ", () -> {}));
      assertThrows(NullPointerException.class, () -> loop.addSignalHandler("USR1", null));
      // A refusal installs nothing: the loop still takes a signal it may handle.
      loop.addSignalHandler("USR1", () -> {});
      assertTrue(loop.removeSignalHandler("USR1"));
    }
  }

  @BackendTest
  void oneLoopHandlesASignalAtATimeAndCloseGivesItBack(String backend) {
    try (EventLoop other = Backends.open(backend)) {
      EventLoop loop = Backends.open(backend);
      try {
        loop.addSignalHandler("USR1", () -> {});
        IllegalStateException taken =
            assertThrows(IllegalStateException.class, () -> other.addSignalHandler("USR1", () -> {}));
        assertTrue(taken.getMessage().contains("another event loop"), taken.getMessage());
        assertFalse(other.removeSignalHandler("USR1"), "another loop's handler is not this one's");
      } finally {
        loop.close();
      }
      // The closed loop's handler is gone: the other loop may take the signal now.
      other.addSignalHandler("USR1", () -> {});
      assertTrue(other.removeSignalHandler("USR1"));
    }
  }

  @BackendTest
  void aClosedLoopRefusesNewHandlers(String backend) {
    EventLoop loop = Backends.open(backend);
    loop.close();
    assertThrows(EventLoopClosedException.class, () -> loop.addSignalHandler("USR1", () -> {}));
    assertFalse(loop.removeSignalHandler("USR1"));
  }

  @BackendTest
  void addingFromAnotherThreadWhileTheLoopRunsIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      Future<Throwable> refused = loop.createFuture();
      loop.callSoon(
          () ->
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          loop.addSignalHandler("USR1", () -> {});
                          loop.callSoonThreadSafe(() -> refused.setResult(null));
                        } catch (IllegalStateException e) {
                          loop.callSoonThreadSafe(() -> refused.setResult(e));
                        }
                      }));
      Throwable e = loop.runUntilComplete(refused);
      assertTrue(e instanceof IllegalStateException, String.valueOf(e));
      assertFalse(loop.removeSignalHandler("USR1"));
    }
  }

  // ---- in a forked JVM: the signal once zloop gave it back ----

  private static ForkedJvm.Result probe(String backend, String scenario, String... jvmFlags)
      throws IOException, InterruptedException {
    Backends.open(backend).close(); // skips where the backend cannot run
    return LoopJvm.run(List.of(jvmFlags), "zloop.tests.SignalProbe", backend, scenario);
  }

  /** Runs the scenario and checks that the process handled SIGUSR1, then died of it. */
  private static ForkedJvm.Result diesOfSigusr1AfterHandlingIt(String backend, String scenario)
      throws IOException, InterruptedException {
    ForkedJvm.Result r = probe(backend, scenario);
    assertTrue(r.output().contains("handled USR1 on the loop thread"), r.output());
    assertFalse(r.output().contains("still alive"), r.output());
    assertEquals(DIED_OF_SIGUSR1, r.exitCode(), r.output());
    return r;
  }

  /** 128 + the signal's number: how {@link Process#exitValue()} reports death by a signal. */
  private static final int DIED_OF_SIGUSR1 = 128 + 10;

  @BackendTest
  void removingTheHandlerRestoresTheDefaultAction(String backend) throws Exception {
    ForkedJvm.Result r = diesOfSigusr1AfterHandlingIt(backend, "removed");
    assertTrue(r.output().contains("removed: true"), r.output());
  }

  @BackendTest
  void closingTheLoopRestoresTheDefaultAction(String backend) throws Exception {
    ForkedJvm.Result r = diesOfSigusr1AfterHandlingIt(backend, "closed");
    assertTrue(r.output().contains("closed"), r.output());
  }

  @BackendTest
  void removingTheHandlerGivesSighupBackToTheJvmsShutdown(String backend) throws Exception {
    ForkedJvm.Result r = probe(backend, "jvm-handler");
    // A suite started under nohup hands its JVMs an ignored SIGHUP, which zloop refuses (and says
    // why): the JVM's own handler is then not there to give back either.
    org.junit.jupiter.api.Assumptions.assumeFalse(
        r.output().contains("cannot handle SIGHUP: this process ignores it"),
        "SIGHUP is ignored where this suite runs (started under nohup): nothing to hand back");
    assertTrue(r.output().contains("handled HUP on the loop thread"), r.output());
    assertTrue(r.output().contains("shutdown hook ran"), r.output());
    assertEquals(128 + 1, r.exitCode(), r.output());
  }

  @BackendTest
  void underXrsSigintIsRefusedNamingTheFlag(String backend) throws Exception {
    ForkedJvm.Result r = probe(backend, "refused", "-Xrs");
    assertTrue(r.output().contains("refused: cannot handle SIGINT: this JVM runs with -Xrs"), r.output());
    assertEquals(0, r.exitCode(), r.output());
  }
}
