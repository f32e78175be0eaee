package zloop.test.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fresh JVM (the one running the tests) with exactly the arguments given: nothing from the
 * environment may add flags to it.
 */
public final class ForkedJvm {

  private ForkedJvm() {}

  /** How the child ended: its exit code and what it printed on each stream. */
  public record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * Starts {@code java args...}, its output kept in files under {@code dir}, and waits up to two
   * minutes for it to end.
   */
  public static Result run(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    builder
        .environment()
        .keySet()
        .removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not finish: " + command);
    }
    return new Result(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
  }
}
