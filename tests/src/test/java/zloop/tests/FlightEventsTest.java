package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;

/**
 * The {@code zloop.*} flight-recorder events, recorded in this JVM on each backend: a recording
 * that enables an event type gets one event per slow callback, long turn, backend poll, opened and
 * closed connection, with the fields the README lists.
 */
@Timeout(60)
class FlightEventsTest {

  @BackendTest
  void aSlowCallbackIsRecordedWithItsDescriptionWithoutDebugMode(String backend) throws Exception {
    List<RecordedEvent> events =
        record(
            r -> r.enable("zloop.SlowCallback").withThreshold(Duration.ofMillis(20)),
            backend,
            loop -> {
              loop.callSoon(new BusyWork(Duration.ofMillis(40)));
              loop.callSoon(loop::stop);
              loop.runForever();
            });
    List<RecordedEvent> busy =
        events.stream().filter(e -> e.getString("callback").contains("BusyWork[40 ms]")).toList();
    assertEquals(1, busy.size(), events.toString());
    assertEquals(backend, busy.get(0).getString("backend"));
    assertTrue(busy.get(0).getDuration().compareTo(Duration.ofMillis(40)) >= 0, busy.toString());
  }

  @BackendTest
  void aTurnThatOverranItsThresholdIsRecordedWithWhatItRan(String backend) throws Exception {
    List<RecordedEvent> events =
        record(
            r -> r.enable("zloop.LongTurn").withThreshold(Duration.ofMillis(20)),
            backend,
            loop -> {
              loop.callSoon(new BusyWork(Duration.ofMillis(15)));
              loop.callSoon(new BusyWork(Duration.ofMillis(15)));
              loop.callSoon(loop::stop);
              loop.runForever();
            });
    // Two callbacks of 15 ms: neither is slow, their turn is long.
    assertTrue(
        events.stream().anyMatch(e -> e.getInt("callbacks") == 3 && e.getString("backend").equals(backend)),
        events.toString());
  }

  @BackendTest
  void backendPollsAreRecordedWithTheirWait(String backend) throws Exception {
    List<RecordedEvent> events =
        record(
            r -> r.enable("zloop.BackendPoll").withThreshold(Duration.ofMillis(10)),
            backend,
            loop -> {
              loop.callLater(Duration.ofMillis(30), loop::stop);
              loop.runForever();
            });
    // Nothing but a timer: the loop waited in the backend for it.
    assertTrue(!events.isEmpty(), "no poll recorded");
    RecordedEvent longest = events.stream().max((a, b) -> a.getDuration().compareTo(b.getDuration())).orElseThrow();
    assertEquals(backend, longest.getString("backend"));
    assertEquals(0, longest.getInt("ioEvents"), longest.toString());
    assertTrue(longest.getLong("waited") > 0, longest.toString());
  }

  @BackendTest
  void connectionsAreRecordedWhenOpenedAndWhenClosed(String backend) throws Exception {
    int[] ports = new int[2];
    List<RecordedEvent> events =
        record(
            r -> {
              r.enable("zloop.ConnectionOpened");
              r.enable("zloop.ConnectionClosed");
            },
            backend,
            loop ->
                loop.runUntilComplete(
                    () -> {
                      Server server = LineEchoServer.start(loop);
                      ports[0] = LineEchoServer.port(server);
                      StreamPair client = loop.openConnection("127.0.0.1", ports[0], StreamOptions.DEFAULT).join();
                      ports[1] = ((InetSocketAddress) client.writer().getExtraInfo("sockname")).getPort();
                      client.writer().write("ping\n".getBytes(StandardCharsets.UTF_8));
                      client.reader().readLine().join();
                      client.writer().close();
                      client.writer().waitClosed().join();
                      server.close();
                      server.waitClosed().join();
                      return null;
                    }));
    String serverEnd = "127.0.0.1:" + ports[0];
    String clientEnd = "127.0.0.1:" + ports[1];
    List<RecordedEvent> opened = named(events, "zloop.ConnectionOpened");
    List<RecordedEvent> closed = named(events, "zloop.ConnectionClosed");
    assertEquals(2, opened.size(), events.toString());
    assertEquals(2, closed.size(), events.toString());
    for (RecordedEvent e : events) {
      assertEquals(backend, e.getString("backend"), e.toString());
      boolean serverSide = e.getString("local").endsWith(serverEnd);
      assertTrue(e.getString(serverSide ? "remote" : "local").endsWith(clientEnd), e.toString());
      assertTrue(e.getString(serverSide ? "local" : "remote").endsWith(serverEnd), e.toString());
      if (e.getEventType().getName().equals("zloop.ConnectionOpened")) {
        assertEquals(serverSide, e.getBoolean("accepted"), e.toString());
      } else {
        assertEquals(null, e.getString("error"), e.toString()); // both ends closed cleanly
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Interface for a body that may throw, run on a fresh loop of the backend. */
  @FunctionalInterface
  interface LoopBody {
    void run(EventLoop loop) throws Exception;
  }

  /**
   * Runs the body under a recording set up by {@code enable}; returns its events of the types it
   * enabled (a dump may also hold what earlier recordings enabled, from the chunk they share).
   */
  static List<RecordedEvent> record(Consumer<Recording> enable, String backend, LoopBody body)
      throws Exception {
    Path file = Files.createTempFile("zloop-", ".jfr");
    try (Recording recording = new Recording()) {
      enable.accept(recording);
      recording.start();
      try (EventLoop loop = Backends.open(backend)) {
        body.run(loop);
      }
      recording.stop();
      recording.dump(file);
      java.util.Set<String> enabled = new java.util.HashSet<>();
      recording.getSettings().forEach((key, value) -> {
        if (key.endsWith("#enabled") && value.equals("true")) {
          enabled.add(key.substring(0, key.indexOf('#')));
        }
      });
      return RecordingFile.readAllEvents(file).stream()
          .filter(e -> enabled.contains(e.getEventType().getName()))
          .toList();
    } finally {
      deleteQuietly(file);
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }

  private static void deleteQuietly(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /** Keeps the loop thread busy for a while; named so that its event can be recognised. */
  record BusyWork(Duration length) implements Runnable {
    @Override
    public void run() {
      long end = System.nanoTime() + length.toNanos();
      while (System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    }

    @Override
    public String toString() {
      return "BusyWork[" + length.toMillis() + " ms]";
    }
  }
}
