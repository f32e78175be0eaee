package zloop.tests.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import zloop.tests.container.ConformanceReport.Outcome;
import zloop.tests.container.ConformanceReport.Status;

/**
 * What the container run decides needs no Docker engine to check: how {@link ConformanceReport}
 * reads a console-launcher report (so that io_uring invocations skipped as unavailable are caught
 * and never count as passed), which image {@link ContainerImage} picks, and the skip reason.
 */
class ContainerReportTest {
  private static ConformanceReport sample() throws Exception {
    URL sample = ContainerReportTest.class.getResource("report-sample.xml");
    return ConformanceReport.read(Path.of(sample.toURI()));
  }

  @Test
  void countsOutcomesPerBackendAndCatchesUnavailableIoUring() throws Exception {
    ConformanceReport report = sample();
    assertEquals(5, report.outcomes().size());
    assertEquals(2, report.count(Status.PASSED));
    assertEquals(2, report.count(Status.SKIPPED));
    assertEquals(1, report.count(Status.FAILED));
    assertEquals(1, report.count("io_uring", Status.PASSED));
    assertEquals(2, report.count("io_uring", Status.SKIPPED));
    assertEquals(1, report.count("io_uring", Status.FAILED));
    assertEquals(1, report.count("epoll", Status.PASSED));
    List<Outcome> unavailable = report.ioUringUnavailable();
    assertEquals(1, unavailable.size(), unavailable::toString);
    assertEquals("zloop.tests.net.EchoTest#echo(String)[1]", unavailable.getFirst().test());
    assertEquals(
        "io_uring is unavailable here: io_uring_setup: Operation not permitted",
        unavailable.getFirst().reason());
    assertEquals(
        "5 tests: 2 passed, 2 skipped, 1 failed; io_uring invocations: 1 passed, 2 skipped, 1 failed",
        report.summary());
  }

  @Test
  void listsEveryTestWithItsBackendAndReason() throws Exception {
    List<String> lines = sample().perTest().lines().toList();
    assertEquals(5, lines.size(), lines::toString);
    assertEquals(
        "FAILED  zloop.tests.net.LoopCloseTest#closingTheLoopClosesEverythingItOpened(String)[1]"
            + " [io_uring] (0.50 s): Cannot assign requested address",
        lines.get(4));
    assertTrue(
        lines.get(2).startsWith("SKIPPED zloop.tests.net.PeerInteropTest#asyncioPeer(String)[1] [io_uring]")
            && lines.get(2).endsWith(": python3 with ssl and asyncio is not installed"),
        lines.get(2));
  }

  @Test
  void anImageNamedByTheUserWinsAndIsRequired() {
    ContainerImage byProperty = ContainerImage.choose("mine:1", "env:2", null, name -> true);
    assertEquals("mine:1", byProperty.name());
    assertTrue(byProperty.required());
    ContainerImage byEnvironment = ContainerImage.choose(" ", "env:2", null, name -> true);
    assertEquals("env:2", byEnvironment.name());
    assertTrue(byEnvironment.required());
  }

  @Test
  void theLocalImageIsUsedWhereTheEngineHasItElseTheDefault() {
    ContainerImage local = ContainerImage.choose(null, null, null, Set.of(ContainerImage.LOCAL)::contains);
    assertEquals(ContainerImage.LOCAL, local.name());
    assertFalse(local.required());
    ContainerImage renamed = ContainerImage.choose(null, "", "other/jdk:25", Set.of("other/jdk:25")::contains);
    assertEquals("other/jdk:25", renamed.name());
    ContainerImage fallback = ContainerImage.choose(null, null, null, name -> false);
    assertEquals(ContainerImage.DEFAULT, fallback.name());
    assertFalse(fallback.required());
  }

  @Test
  void theSkipReasonNamesTheMissingEngine() {
    assertTrue(IoUringContainerTest.noDockerReason().startsWith("no Docker engine reachable: "));
  }
}
