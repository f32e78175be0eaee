package zloop.backend.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import zloop.EventLoop;
import zloop.Stdio;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SpawnRequest;

/**
 * A child's exit on kqueue comes from {@code EVFILT_PROC}/{@code NOTE_EXIT} (issue 14), not from a
 * pidfd watched for readability: on Linux through libkqueue, which implements the filter.
 */
class KqueueProcessExitTest {

  /** Records what the backend reports; dispatches as a loop does. */
  private static final class Recorder implements LoopContext {
    final List<String> errors = new ArrayList<>();

    @Override
    public EventLoop loop() {
      return null;
    }

    @Override
    public void reportError(String message, Throwable exception) {
      errors.add(message + ": " + exception);
    }
  }

  @Test
  void aChildsExitIsReportedThroughEvfiltProcAndTheWatchEnds() throws Exception {
    Assumptions.assumeTrue(
        KqueueLibrary.unavailableReason() == null, KqueueLibrary::unavailableReason);
    Recorder context = new Recorder();
    KqueueBackend backend = KqueueBackend.open(context, 16);
    try {
      ChildHandle child =
          backend.spawn(
              new SpawnRequest(
                  "/bin/sh",
                  List.of("sh", "-c", "exit 7"),
                  List.of(),
                  null,
                  Stdio.DEVNULL,
                  Stdio.DEVNULL,
                  Stdio.DEVNULL));
      int[] code = {-1};
      child.onExit(c -> code[0] = c);
      assertEquals(1, backend.exitWatches(), "the exit is watched by pid (EVFILT_PROC)");
      // Bounded: each poll waits for an event (the exit) at most 100 ms.
      for (int i = 0; i < 200 && code[0] < 0; i++) {
        backend.poll(100_000_000L);
      }
      assertEquals(7, code[0], "the exit status, reaped by waitpid after NOTE_EXIT");
      assertEquals(0, backend.exitWatches(), "the watch ends once the child is reaped");
      assertEquals(0, backend.registrations(), "nothing left in the table");
      assertTrue(context.errors.isEmpty(), context.errors::toString);
    } finally {
      backend.close();
    }
  }
}
