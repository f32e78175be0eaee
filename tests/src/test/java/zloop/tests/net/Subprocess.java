package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process the test talks to by lines: its output (stdout and stderr merged) as a queue,
 * its stdin for commands. Every wait is bounded; closing releases every pipe.
 */
final class Subprocess implements AutoCloseable {
  private static final long WAIT_SECONDS = 60;

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder all = new StringBuilder();
  private final PrintStream in;
  private final Thread pump;

  private Subprocess(Process process) {
    this.process = process;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.pump =
        Thread.ofPlatform()
            .daemon()
            .name("subprocess-output")
            .start(
                () -> {
                  try (BufferedReader r =
                      new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                      synchronized (all) {
                        all.append(line).append('\n');
                      }
                      lines.add(line);
                    }
                  } catch (IOException e) {
                    lines.add("OUTPUT-ERROR " + e);
                  }
                });
  }

  static Subprocess start(List<String> command) throws IOException {
    return new Subprocess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Copies a resource of this module (e.g. "/peers/x.py") to a file in {@code dir}. */
  static Path resource(String name, Path dir) throws IOException {
    try (InputStream s = Subprocess.class.getResourceAsStream(name)) {
      if (s == null) {
        throw new IOException("missing test resource " + name);
      }
      Path target = dir.resolve(Path.of(name).getFileName().toString());
      Files.copy(s, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    }
  }

  /** The next line starting with {@code prefix} (earlier lines are skipped); fails if none comes. */
  String expect(String prefix) throws InterruptedException {
    while (true) {
      String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (line == null) {
        return fail("the child never printed " + prefix + "; its output so far:\n" + output());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  void send(String line) {
    in.println(line);
  }

  String output() {
    synchronized (all) {
      return all.toString();
    }
  }

  /** Completes (on some thread) when the process exits. */
  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  int waitFor() throws InterruptedException {
    if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      return fail("the child did not exit; its output:\n" + output());
    }
    pump.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    return process.exitValue();
  }

  @Override
  public void close() throws IOException {
    in.close();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      pump.join(10_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      process.getInputStream().close();
      process.getErrorStream().close();
    }
  }
}
