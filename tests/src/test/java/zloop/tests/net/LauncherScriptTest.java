package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code scripts/zloop-java}, the launcher behind {@code scripts/demo}, {@code scripts/echo-server}
 * and {@code scripts/http-server}, runs an example from the built examples module: it must put the
 * module jar on the module path, not the sources jar the build now makes beside it (which sorts
 * first, and has no classes).
 */
@Timeout(120)
class LauncherScriptTest {

  @Test
  void zloopJavaRunsTheHelloExample() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path script = root.resolve("scripts/zloop-java");
    Path target = root.resolve("examples/target");
    Assumptions.assumeTrue(Files.isExecutable(script), "no scripts/zloop-java (not a source checkout)");
    Assumptions.assumeTrue(
        Files.isDirectory(target.resolve("modules")), "the examples module is not packaged (run with -am)");
    Process p =
        new ProcessBuilder(script.toString(), "zloop.examples.Hello")
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the launcher did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("hello from a Java loop"), text);
  }
}
