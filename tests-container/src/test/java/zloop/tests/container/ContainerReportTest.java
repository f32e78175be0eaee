package zloop.tests.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The container run's verdict needs no Docker engine to check: how {@link
 * IoUringContainerTest.Report} reads a console-launcher report, so that io_uring invocations
 * skipped as unavailable are caught and never count as passed.
 */
class ContainerReportTest {
  @Test
  void countsIoUringInvocationsAndCatchesUnavailableIoUring() throws Exception {
    URL sample = ContainerReportTest.class.getResource("report-sample.xml");
    IoUringContainerTest.Report report =
        IoUringContainerTest.Report.read(Path.of(sample.toURI()));
    assertEquals(4, report.tests());
    assertEquals(1, report.ioUringPassed());
    assertEquals(2, report.ioUringSkipped());
    assertEquals(1, report.unavailableReasons().size(), report.unavailableReasons()::toString);
    assertTrue(
        report.unavailableReasons().getFirst().contains("io_uring_setup: Operation not permitted"),
        report.unavailableReasons()::toString);
  }

  @Test
  void theSkipReasonNamesTheMissingEngine() {
    assertTrue(IoUringContainerTest.noDockerReason().startsWith("no Docker engine reachable: "));
  }
}
