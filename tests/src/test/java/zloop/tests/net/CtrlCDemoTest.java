package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Ctrl-C in a zloop program: the demo of {@code scripts/demo --wait} ({@code zloop.examples.Hello
 * --wait}) in a JVM of its own, launched as the script launches it, gets SIGINT while its main task
 * waits: the task is cancelled and unwinds ({@code finally} runs), {@code EventLoops.run} throws
 * {@code KeyboardInterruptException}, and the process exits with status 130, what a shell reports
 * after Ctrl-C (asyncio's runner ends a Python process by SIGINT itself, which a shell also shows
 * as 130).
 */
@Timeout(120)
class CtrlCDemoTest {

  @BackendTest
  void sigintCancelsTheMainTaskAndTheDemoExits130(String backend) throws Exception {
    Assumptions.assumeTrue(
        Backends.availableNames().contains(backend), () -> backend + " is unavailable here");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Path log = Files.createTempFile("zloop-demo", ".log");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add(
        "--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue");
    command.addAll(List.of("--add-opens", "java.base/java.lang=zloop.engine"));
    command.add("-Dzloop.backend=" + backend);
    command.addAll(Backends.childJvmProperties()); // the kqueue library, where configured
    command.addAll(
        List.of(
            "--module-path",
            EchoServerProcess.modulePath(),
            "--add-modules",
            "ALL-MODULE-PATH",
            "-m",
            "zloop.examples/zloop.examples.Hello",
            "--wait"));
    Process demo =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitLine(demo, log, "waiting for Ctrl-C (SIGINT)");
      zloop.tests.SignalProbe.kill(demo.pid(), "INT");
      assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo did not exit after SIGINT");
      String out = Files.readString(log);
      assertTrue(out.contains("zloop backend: " + backend), out);
      assertTrue(out.contains("main task cancelled: unwinding"), out);
      assertTrue(out.contains("interrupted: exiting with status 130"), out);
      assertEquals(130, demo.exitValue(), out);
    } finally {
      demo.destroyForcibly();
      demo.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
    }
  }

  private static void awaitLine(Process p, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(line)) {
        return;
      }
      if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    fail("the demo never printed '" + line + "'; its output:\n" + Files.readString(log));
  }
}
