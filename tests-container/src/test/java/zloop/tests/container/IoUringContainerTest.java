package zloop.tests.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.DockerStatus;
import org.testcontainers.utility.MountableFile;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Runs the conformance suite of {@code tests/} on the io_uring backend inside a Linux container,
 * for hosts that are not Linux (macOS, Windows with Docker Desktop or another Docker engine). On a
 * Linux host {@code tests/} already runs io_uring natively; this test runs there too when a Docker
 * engine is reachable, which checks the container setup itself.
 *
 * <p>How: the build assembles {@code target/container/} (zloop's module jars, {@code zloop.tests},
 * the JUnit API modules, the Netty jars the tests use, JUnit's console launcher, the compiled
 * conformance tests, and {@code run-conformance.sh}). This test copies that folder into a
 * {@value #DEFAULT_IMAGE} container as {@code /zloop}, with a seccomp profile that lets io_uring
 * through, and runs {@code sh /zloop/run-conformance.sh}: the console launcher on the module path,
 * tests patched into {@code zloop.tests}, {@code -Dzloop.tests.backends=io_uring}. The test passes
 * only if the container exits 0 and its JUnit report shows io_uring invocations that passed, and
 * none skipped because io_uring was unavailable in the container (so a blocked io_uring cannot
 * pass silently as all-skipped). The container's JUnit XML report and output are copied to
 * {@code target/container-reports/}.
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
 * <p>Where no Docker engine is reachable the test is skipped with that reason (an aborted test in
 * surefire's report), never passed. Other system properties: {@code zloop.container.image}
 * (default {@value #DEFAULT_IMAGE}), {@code zloop.container.timeoutMinutes} (default 30).
 *
 * <p>Verified so far: the build, the skip on a machine with a docker CLI and no engine, and
 * {@code run-conformance.sh} run directly on a Linux host with JDK 25 (no container). The run
 * inside a container has not been executed on the machine where this was written, which has no
 * Docker engine.
 */
@DisplayName("io_uring conformance suite in a Linux container")
class IoUringContainerTest {
  static final String DEFAULT_IMAGE = "eclipse-temurin:25-jdk";
  static final String SECCOMP_PROFILE = "zloop/tests/container/seccomp-io_uring.json";
  private static final String IN_CONTAINER = "/zloop";
  private static final String REPORT = "TEST-junit-jupiter.xml";
  private static final String UNAVAILABLE = "io_uring is unavailable here";

  @Test
  @DisplayName("passes on io_uring inside eclipse-temurin:25-jdk")
  void conformanceSuitePassesOnIoUringInALinuxContainer() throws Exception {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(), IoUringContainerTest::noDockerReason);

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

    String image = System.getProperty("zloop.container.image", DEFAULT_IMAGE);
    String seccomp = seccompOption(System.getProperty("zloop.container.seccomp", "zloop"));
    Duration timeout = Duration.ofMinutes(Long.getLong("zloop.container.timeoutMinutes", 30L));

    StringBuilder output = new StringBuilder();
    long exitCode;
    try (GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withCopyFileToContainer(MountableFile.forHostPath(payload), IN_CONTAINER)
            .withEnv("ZLOOP_HOME", IN_CONTAINER)
            .withEnv("ZLOOP_TESTS_BACKENDS", "io_uring")
            .withCommand("sh", IN_CONTAINER + "/run-conformance.sh")
            .withCreateContainerCmdModifier(
                cmd -> cmd.getHostConfig().withSecurityOpts(List.of(seccomp)))
            .withStartupCheckStrategy(new RunsToCompletion().withTimeout(timeout))
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
    Files.writeString(reports.resolve("container-output.txt"), output, StandardCharsets.UTF_8);

    assertEquals(
        0,
        exitCode,
        () ->
            "the conformance suite failed in the container (exit "
                + exitCode
                + "; 1: a test failed, 2: no test found); output tail:\n"
                + tail(output.toString(), 150));

    Report report = Report.read(reports.resolve(REPORT));
    if (!report.unavailableReasons.isEmpty()) {
      fail(
          "io_uring was unavailable inside the container (seccomp profile, kernel or"
              + " io_uring_disabled sysctl?): "
              + report.unavailableReasons.getFirst());
    }
    assertTrue(
        report.ioUringPassed > 0,
        () -> "no io_uring invocation passed in the container: " + report + "; see " + reports);
    System.out.println("container run: " + report);
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
        + " (on a Linux host, tests/ runs it natively)";
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (run via Maven)");
    }
    return value;
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

  /** What the console launcher's legacy XML report says about the io_uring invocations. */
  record Report(int tests, int ioUringPassed, int ioUringSkipped, List<String> unavailableReasons) {
    static Report read(Path xml) throws IOException {
      Document doc;
      try {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        doc = factory.newDocumentBuilder().parse(xml.toFile());
      } catch (ParserConfigurationException | SAXException e) {
        throw new IOException("cannot read " + xml, e);
      }
      NodeList cases = doc.getElementsByTagName("testcase");
      int passed = 0;
      int skipped = 0;
      List<String> unavailable = new ArrayList<>();
      for (int i = 0; i < cases.getLength(); i++) {
        Element testCase = (Element) cases.item(i);
        if (!text(testCase, "system-out").contains("display-name: [io_uring]")) {
          continue;
        }
        NodeList skips = testCase.getElementsByTagName("skipped");
        if (skips.getLength() > 0) {
          skipped++;
          Element skip = (Element) skips.item(0);
          String why = skip.getAttribute("message") + "\n" + skip.getTextContent();
          if (why.toLowerCase(Locale.ROOT).contains(UNAVAILABLE.toLowerCase(Locale.ROOT))) {
            unavailable.add(
                testCase.getAttribute("classname")
                    + "."
                    + testCase.getAttribute("name")
                    + ": "
                    + firstLine(why));
          }
        } else if (testCase.getElementsByTagName("failure").getLength() == 0
            && testCase.getElementsByTagName("error").getLength() == 0) {
          passed++;
        }
      }
      return new Report(cases.getLength(), passed, skipped, List.copyOf(unavailable));
    }

    private static String text(Element parent, String tag) {
      NodeList nodes = parent.getElementsByTagName(tag);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < nodes.getLength(); i++) {
        sb.append(nodes.item(i).getTextContent());
      }
      return sb.toString();
    }

    private static String firstLine(String text) {
      return text.strip().lines().findFirst().orElse("");
    }

    @Override
    public String toString() {
      return tests
          + " test cases, io_uring invocations: "
          + ioUringPassed
          + " passed, "
          + ioUringSkipped
          + " skipped";
    }
  }
}
