package zloop.tests;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.EventLoops;

/**
 * The backends a conformance test runs against: every backend zloop knows, so that one missing
 * on this host shows up as a skipped invocation with its reason, never as silence.
 *
 * <p>The system property {@value #ONLY} (comma-separated backend names, e.g. {@code io_uring})
 * narrows {@link #all()} to those backends; the container run in {@code tests-container} uses it
 * to run the suite on io_uring alone. A name zloop does not know is kept, so its invocations fail
 * with "no such backend" rather than vanish. Unset or blank: every known backend.
 */
public final class Backends {
  private Backends() {}

  /** System property that restricts {@link #all()} to the named backends (comma-separated). */
  public static final String ONLY = "zloop.tests.backends";

  private static final Pattern COMMA = Pattern.compile(",");

  /**
   * Argument source for {@link BackendTest}: one argument per known backend, by name, or the
   * backends named by {@value #ONLY} when it is set.
   */
  public static Stream<Arguments> all() {
    String only = System.getProperty(ONLY, "").strip();
    if (only.isEmpty()) {
      return EventLoops.backends().stream().map(s -> Arguments.of(s.name()));
    }
    return COMMA
        .splitAsStream(only)
        .map(String::strip)
        .filter(name -> !name.isEmpty())
        .distinct()
        .map(name -> Arguments.of(name));
  }

  /** The backend configuration a child JVM needs to see the backends this one sees. */
  private static final List<String> CHILD_JVM_PROPERTIES = List.of("zloop.kqueue.library");

  /**
   * {@code -Dname=value} for each backend setting this JVM has (where libkqueue is), for tests that
   * run zloop in a child JVM: without them the child would find fewer backends than the test.
   */
  public static List<String> childJvmProperties() {
    return CHILD_JVM_PROPERTIES.stream()
        .filter(name -> !System.getProperty(name, "").isBlank())
        .map(name -> "-D" + name + "=" + System.getProperty(name))
        .toList();
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
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no such backend: "
                            + name
                            + " (known: "
                            + EventLoops.backends().stream().map(BackendStatus::name).toList()
                            + ")"));
    Assumptions.assumeTrue(status.available(), () -> name + " is unavailable here: " + status.reason());
    return EventLoops.newEventLoop(name);
  }
}
