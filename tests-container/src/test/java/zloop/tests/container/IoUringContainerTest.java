package zloop.tests.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.DockerStatus;
import org.testcontainers.utility.MountableFile;

/**
 * Runs the conformance suite of {@code tests/} on the io_uring backend inside a Linux container,
 * for hosts that are not Linux (macOS, Windows with Docker Desktop or another Docker engine). On a
 * Linux host {@code tests/} already runs io_uring natively; this test runs there too when a Docker
 * engine is reachable, which checks the container setup itself.
 *
 * <p>How: the build assembles {@code target/container/} (zloop's module jars, {@code zloop.tests},
 * the JUnit API modules, the Netty jars the tests use, JUnit's console launcher, the compiled
 * conformance tests, and {@code run-conformance.sh}). This test copies that folder into a
 * container as {@code /zloop} and runs {@code sh /zloop/run-conformance.sh}: the console launcher
 * on the module path, tests patched into {@code zloop.tests}, {@code -Dzloop.tests.backends=io_uring}.
 * The test passes only if the container exits 0 and its JUnit report shows io_uring invocations
 * that passed, none that failed, and none skipped because io_uring was unavailable in the
 * container (so a blocked io_uring cannot pass silently as all-skipped). The container's JUnit XML
 * report, its output and a one-line-per-test summary ({@code summary.txt}) are copied to {@code
 * target/container-reports/}; the summary is printed too.
 *
 * <p>The image: see {@link ContainerImage} (the local image {@code tests-container/docker-image}
 * builds where the engine holds it, else {@value ContainerImage#DEFAULT} from a registry).
 *
 * <p>Network: none but the container's own loopback (network mode {@code none}): the suite talks
 * only to itself, and no test traffic leaves the container. Docker turns IPv6 off in a container;
 * the namespaced sysctls {@code net.ipv6.conf.all.disable_ipv6=0} and {@code
 * net.ipv6.conf.lo.disable_ipv6=0} turn it back on, so that {@code ::1} exists and the IPv6 tests
 * run. System property {@code zloop.container.ipv6=false} leaves IPv6 off (those tests then skip
 * with their reason: a way to check that they do).
 *
 * <p>Seccomp: Docker's default profile (Docker 25 and later) refuses {@code io_uring_setup},
 * {@code io_uring_enter} and {@code io_uring_register}. The profile shipped here, {@value
 * #SECCOMP_PROFILE}, is zloop's own: it allows io_uring and still refuses, like Docker's default,
 * the calls that let a container reach the kernel or the host (module loading, kexec, reboot,
 * mount and namespace calls, ptrace, BPF, perf, keyring, clock setting, swap). It is a denylist,
 * not a copy of Docker's allowlist: this repository does not vendor Docker's profile. System
 * property {@code zloop.container.seccomp}: {@code zloop} (default, the profile above), {@code
 * unconfined} (the documented fallback, for an engine that rejects the profile: no seccomp
 * filter at all), or the path of another profile JSON (e.g. Docker's default plus the three
 * io_uring calls).
 *
 * <p>Skipped, with the reason (an aborted test in surefire's report), never passed: where no
 * Docker engine is reachable, or where the default image is neither in the engine nor pullable.
 * Failed instead where the image was named explicitly ({@link ContainerImage#required()}): the
 * user asked for this run. {@code zloop.container.timeoutMinutes} (default 30) bounds the run,
 * inside the container too ({@code timeout}), so a container outlives a killed build by no more;
 * {@code zloop.container.pullMinutes} (default 10) bounds the one pull attempt.
 */
@DisplayName("io_uring conformance suite in a Linux container")
class IoUringContainerTest {
  static final String SECCOMP_PROFILE = "zloop/tests/container/seccomp-io_uring.json";
  static final Map<String, String> IPV6_ON_LOOPBACK =
      Map.of("net.ipv6.conf.all.disable_ipv6", "0", "net.ipv6.conf.lo.disable_ipv6", "0");
  private static final String IN_CONTAINER = "/zloop";
  private static final String REPORT = "TEST-junit-jupiter.xml";

  @Test
  @DisplayName("passes on io_uring inside a Linux container (network none, IPv6 loopback)")
  void conformanceSuitePassesOnIoUringInALinuxContainer() throws Exception {
    boolean engine = DockerClientFactory.instance().isDockerAvailable();
    ContainerImage image = ContainerImage.choose(engine ? IoUringContainerTest::engineHas : name -> false);
    if (!engine) {
      if (image.required()) {
        fail(image + " was asked for, but " + noDockerReason());
      }
      Assumptions.abort(noDockerReason());
    }

    Path payload = Path.of(requiredProperty("zloop.container.payload"));
    Path reports = Path.of(requiredProperty("zloop.container.reports"));
    assertTrue(
        Files.isRegularFile(payload.resolve("run-conformance.sh"))
            && Files.isDirectory(payload.resolve("test-classes/zloop/tests")),
        () ->
            "the container payload is incomplete: "
                + payload
                + " needs run-conformance.sh and the conformance test classes of tests/"
                + " (tests/target/test-classes: build tests/ with its tests compiled, not with"
                + " -Dmaven.test.skip=true)");
    Files.createDirectories(reports);

    String unpullable = pullIfAbsent(image.name());
    if (unpullable != null) {
      String why = "the image " + image + " is not in the engine and could not be pulled: " + unpullable;
      if (image.required()) {
        fail(why);
      }
      Assumptions.abort(
          why + "; without a registry, build a local image with tests-container/docker-image");
    }

    String seccomp = seccompOption(System.getProperty("zloop.container.seccomp", "zloop"));
    boolean ipv6 = !System.getProperty("zloop.container.ipv6", "true").equalsIgnoreCase("false");
    long timeoutMinutes = Long.getLong("zloop.container.timeoutMinutes", 30L);

    StringBuilder output = new StringBuilder();
    long exitCode;
    long started = System.nanoTime();
    try (GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image.name()))
            .withNetworkMode("none")
            .withCopyFileToContainer(MountableFile.forHostPath(payload), IN_CONTAINER)
            .withEnv("ZLOOP_HOME", IN_CONTAINER)
            .withEnv("ZLOOP_TESTS_BACKENDS", "io_uring")
            .withEnv("ZLOOP_TIMEOUT_MINUTES", String.valueOf(timeoutMinutes))
            .withCommand("sh", IN_CONTAINER + "/run-conformance.sh")
            .withCreateContainerCmdModifier(
                cmd -> {
                  cmd.getHostConfig().withSecurityOpts(List.of(seccomp));
                  if (ipv6) {
                    cmd.getHostConfig().withSysctls(IPV6_ON_LOOPBACK);
                  }
                })
            .withStartupCheckStrategy(
                new RunsToCompletion().withTimeout(Duration.ofMinutes(timeoutMinutes + 1)))
            .withLogConsumer(
                frame -> {
                  String text = frame.getUtf8String();
                  System.out.print(text);
                  synchronized (output) {
                    output.append(text);
                  }
                })) {
      container.start();
      InspectContainerResponse info = container.getCurrentContainerInfo();
      Long code = info.getState().getExitCodeLong();
      exitCode = code == null ? -1 : code;
      container.copyFileFromContainer(
          IN_CONTAINER + "/reports/" + REPORT, reports.resolve(REPORT).toString());
      output.setLength(0);
      output.append(container.getLogs());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Files.writeString(reports.resolve("container-output.txt"), output, StandardCharsets.UTF_8);

    ConformanceReport report = ConformanceReport.read(reports.resolve(REPORT));
    String summary =
        String.format(
            Locale.ROOT,
            "container run (%s; image %s; network none; IPv6 loopback %s): %s; %.1f s%n",
            firstLine(output.toString(), "zloop container run: "),
            image,
            ipv6 ? "on" : "off",
            report.summary(),
            seconds);
    Files.writeString(
        reports.resolve("summary.txt"), summary + report.perTest(), StandardCharsets.UTF_8);
    System.out.print(summary);
    report.with(ConformanceReport.Status.SKIPPED).forEach(o -> System.out.println("  " + o));
    report.with(ConformanceReport.Status.FAILED).forEach(o -> System.out.println("  " + o));

    if (!report.ioUringUnavailable().isEmpty()) {
      fail(
          "io_uring was unavailable inside the container (seccomp profile, kernel or"
              + " io_uring_disabled sysctl?): "
              + report.ioUringUnavailable().getFirst());
    }
    assertEquals(
        0,
        exitCode,
        () ->
            "the conformance suite failed in the container (exit "
                + exitCode
                + "; 1: a test failed, 2: no test found, 124: timed out); failed: "
                + report.with(ConformanceReport.Status.FAILED)
                + "\noutput tail:\n"
                + tail(output.toString(), 150));
    assertEquals(List.of(), report.with(ConformanceReport.Status.FAILED), "tests failed in the container");
    assertTrue(
        report.count("io_uring", ConformanceReport.Status.PASSED) > 0,
        () -> "no io_uring invocation passed in the container: " + report.summary() + "; see " + reports);
  }

  private static boolean engineHas(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * Pulls the image unless the engine holds it: one attempt (Testcontainers' own pull retries for
   * two minutes where no registry answers). Returns why it failed, or null.
   */
  private static String pullIfAbsent(String name) throws InterruptedException {
    if (engineHas(name)) {
      return null;
    }
    DockerImageName parsed = DockerImageName.parse(name);
    try (PullImageResultCallback pull =
        DockerClientFactory.instance()
            .client()
            .pullImageCmd(parsed.getUnversionedPart())
            .withTag(parsed.getVersionPart())
            .exec(new PullImageResultCallback())) {
      long minutes = Long.getLong("zloop.container.pullMinutes", 10L);
      return pull.awaitCompletion(minutes, TimeUnit.MINUTES)
          ? null
          : "no answer within " + minutes + " minutes (zloop.container.pullMinutes)";
    } catch (RuntimeException | IOException e) {
      // One line: the engine's error body ends with a newline.
      return e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).strip().replace('\n', ' ');
    }
  }

  /** The seccomp security option for the Docker API: the profile's JSON text, or unconfined. */
  private static String seccompOption(String choice) throws IOException {
    if (choice.equals("unconfined")) {
      return "seccomp=unconfined";
    }
    String json;
    if (choice.equals("zloop")) {
      try (InputStream in =
          IoUringContainerTest.class.getClassLoader().getResourceAsStream(SECCOMP_PROFILE)) {
        if (in == null) {
          throw new IllegalStateException("missing test resource " + SECCOMP_PROFILE);
        }
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } else {
      json = Files.readString(Path.of(choice));
    }
    // The Docker API takes the profile's content, not a path (the docker CLI reads the file).
    return "seccomp=" + json;
  }

  /** Why the test is skipped: what Testcontainers looked for and did not find. */
  static String noDockerReason() {
    String dockerHost = System.getenv("DOCKER_HOST");
    Path socket = Path.of("/var/run/docker.sock");
    return "no Docker engine reachable: Testcontainers found no working Docker environment"
        + " (DOCKER_HOST "
        + (dockerHost == null || dockerHost.isBlank() ? "unset" : "= " + dockerHost)
        + ", "
        + socket
        + (Files.exists(socket) ? " present but not answering" : " absent")
        + "), so the io_uring conformance suite was not run in a Linux container"
        + " (on a Linux host, tests/ runs it natively; tests-container/docker-image starts an"
        + " engine and builds a local image)";
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (run via Maven)");
    }
    return value;
  }

  /** The rest of the first line of {@code text} that starts with {@code prefix}, or "?". */
  private static String firstLine(String text, String prefix) {
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst()
        .orElse("?");
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Startup is over when the container has exited, whatever its code: the test reads that. */
  static final class RunsToCompletion extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
      InspectContainerResponse.ContainerState state = getCurrentState(dockerClient, containerId);
      return DockerStatus.isContainerStopped(state)
          ? StartupStatus.SUCCESSFUL
          : StartupStatus.NOT_YET_KNOWN;
    }
  }
}
