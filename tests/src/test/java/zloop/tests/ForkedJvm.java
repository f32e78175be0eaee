package zloop.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of this module in a fresh JVM, on the same module path, with chosen flags. */
final class ForkedJvm {
  private ForkedJvm() {}

  record Result(int exitCode, String output) {}

  static Result run(List<String> jvmFlags, String mainClass) throws IOException, InterruptedException {
    return run(jvmFlags, System.getProperty("jdk.module.path"), mainClass);
  }

  /** As {@link #run(List, String)}, on another module path; {@code args} go to the main class. */
  static Result run(List<String> jvmFlags, String modulePath, String mainClass, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmFlags);
    cmd.add("--module-path");
    cmd.add(modulePath);
    cmd.add("--add-modules");
    cmd.add("ALL-MODULE-PATH");
    cmd.add("-m");
    cmd.add("zloop.tests/" + mainClass);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("forked JVM did not exit: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
