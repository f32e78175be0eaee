import java.nio.file.*;
import java.time.Duration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import zloop.EventLoop;
import zloop.EventLoops;

/** The assertion of BusyLoopTest#aCallbackChainPollsTheKernelOncePerIntervalNotOncePerHop, standalone. */
public class PollCount {
  public static void main(String[] a) throws Exception {
    int hops = 6400;
    for (String backend : a) {
      Path file = Files.createTempFile("pc", ".jfr");
      int[] ran = {0};
      try (Recording r = new Recording()) {
        r.enable("zloop.BackendPoll").withThreshold(Duration.ZERO);
        r.start();
        try (EventLoop loop = EventLoops.newEventLoop(backend)) {
          Runnable[] hop = new Runnable[1];
          hop[0] = () -> { if (++ran[0] < hops) loop.callSoon(hop[0]); else loop.stop(); };
          loop.callSoon(hop[0]);
          loop.runForever();
        }
        r.stop();
        r.dump(file);
      }
      long polls = RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals("zloop.BackendPoll")).count();
      boolean ok = polls <= hops / 64 + 1 && polls >= hops / 64 - 1;
      System.out.println(backend + ": " + hops + " hops, " + polls + " backend polls -> " + (ok ? "PASS" : "FAIL (expected 99..101)"));
      Files.delete(file);
    }
  }
}
