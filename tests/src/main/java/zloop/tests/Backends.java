package zloop.tests;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.EventLoops;

/**
 * The backends a conformance test runs against: every backend zloop knows, so that one missing
 * on this host shows up as a skipped invocation with its reason, never as silence.
 */
public final class Backends {
  private Backends() {}

  /** Argument source for {@link BackendTest}: one argument per known backend, by name. */
  public static Stream<Arguments> all() {
    return EventLoops.backends().stream().map(s -> Arguments.of(s.name()));
  }

  /** The names of the backends available on this host. */
  public static List<String> availableNames() {
    return EventLoops.backends().stream().filter(BackendStatus::available).map(BackendStatus::name).toList();
  }

  /**
   * A new loop on the named backend, or the test is aborted (reported as skipped) with the reason
   * the backend cannot run here.
   */
  public static EventLoop open(String name) {
    BackendStatus status =
        EventLoops.backends().stream()
            .filter(s -> s.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no such backend: " + name));
    Assumptions.assumeTrue(status.available(), () -> name + " is unavailable here: " + status.reason());
    return EventLoops.newEventLoop(name);
  }
}
