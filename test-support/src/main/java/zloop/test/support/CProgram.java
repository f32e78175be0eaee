package zloop.test.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles and runs a C program that prints {@code NAME VALUE} lines, to check constants and
 * layouts against the system headers. Skips the calling test when gcc or a header is missing.
 */
public final class CProgram {

  private CProgram() {}

  /** Runs {@code source}, whose headers come with libc (always installed with gcc). */
  public static Map<String, Long> run(Path dir, String source)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(gccInstalled(), "gcc is not installed, cannot read the C headers");
    return compileAndRun(dir, source);
  }

  /**
   * Runs {@code source}, which includes {@code header} (a path under /usr/include from a package
   * that may be missing, e.g. linux/io_uring.h from linux-libc-dev).
   */
  public static Map<String, Long> run(Path dir, String header, String source)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(gccInstalled(), "gcc is not installed, cannot read the C headers");
    Assumptions.assumeTrue(
        Files.exists(Path.of("/usr/include", header)),
        "<" + header + "> is not installed (linux-libc-dev), cannot read it");
    return compileAndRun(dir, source);
  }

  private static Map<String, Long> compileAndRun(Path dir, String source)
      throws IOException, InterruptedException {
    Path c = Files.writeString(dir.resolve("probe.c"), source);
    Path exe = dir.resolve("probe");
    String compilerOutput = exec(dir, "gcc", "-Wall", "-o", exe.toString(), c.toString());
    Map<String, Long> values = new LinkedHashMap<>();
    exec(dir, exe.toString())
        .lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .forEach(
            line -> {
              int space = line.lastIndexOf(' ');
              values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
            });
    if (values.isEmpty()) {
      throw new AssertionError("the probe printed nothing; gcc said: " + compilerOutput);
    }
    return values;
  }

  private static boolean gccInstalled() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static String exec(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
    return output;
  }
}
