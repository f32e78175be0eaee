package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import zloop.tests.Backends;

/**
 * The echo server of {@code scripts/echo-server} ({@code zloop.examples.EchoServer}) in a JVM of
 * its own, launched as the script launches it (the same main class, module path and flags) but
 * straight from the reactor's build output, so the test needs no installed artifacts. The test
 * observes it from outside only: its port, and the resident memory and descriptors the kernel
 * reports for its process.
 */
final class EchoServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("^zloop echo server .* listening on .*:(\\d+)\\s*$", Pattern.MULTILINE);

  private final Process process;
  private final Path log;
  final int port;
  final String description;

  private EchoServerProcess(Process process, Path log, int port, String description) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.description = description;
  }

  /**
   * Starts {@code EchoServer --backend backend --mode mode --port 0}, plus {@code --cert/--key}
   * for TLS when given, and waits for its "listening on" line.
   *
   * <p>The young generation is small and fixed: garbage then touches a bounded amount of heap, so
   * the resident size the test watches moves with what the server keeps, not with how the
   * collector sizes its nursery.
   */
  static EchoServerProcess start(String backend, String mode, Path cert, Path key)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        Backends.availableNames().contains(backend), () -> backend + " is unavailable here");
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue");
    cmd.add("--add-opens");
    cmd.add("java.base/java.lang=zloop.engine");
    cmd.addAll(Backends.childJvmProperties());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmn16m", "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1"));
    cmd.add("--module-path");
    cmd.add(modulePath());
    cmd.add("--add-modules");
    cmd.add("ALL-MODULE-PATH");
    cmd.add("-m");
    cmd.add("zloop.examples/zloop.examples.EchoServer");
    cmd.addAll(List.of("--backend", backend, "--mode", mode, "--host", "127.0.0.1", "--port", "0"));
    if (cert != null) {
      cmd.addAll(List.of("--tls", "--cert", cert.toString(), "--key", key.toString()));
    }
    String description = "echo server [" + backend + ", " + mode + (cert != null ? ", TLS" : "") + "]";
    Path log = Files.createTempFile("zloop-echo-server", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        Matcher m = LISTENING.matcher(Files.readString(log));
        if (m.find()) {
          return new EchoServerProcess(p, log, Integer.parseInt(m.group(1)), description);
        }
        if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
          break; // exited: it will never listen
        }
      }
      return fail(description + " did not start listening; its output:\n" + Files.readString(log));
    } catch (AssertionError | IOException | RuntimeException | InterruptedException e) {
      stop(p, log);
      throw e;
    }
  }

  private static void stop(Process p, Path log) throws IOException {
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IOException("the echo server did not exit after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * The test JVM's module path (the reactor's zloop modules) plus the examples module, found as a
   * dependency of this test module or next to it in the reactor.
   */
  static String modulePath() {
    String path = System.getProperty("jdk.module.path", "");
    List<String> entries = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (e.contains("zloop.examples") || e.replace('\\', '/').contains("/examples/target/")) {
        entries.add(e);
      }
    }
    // In the container run the module path is a directory of jars, zloop.examples among them.
    boolean found =
        ModuleLayer.boot().findModule("zloop.examples").isPresent()
            || entries.stream().anyMatch(e -> e.contains("zloop.examples") || e.replace('\\', '/').contains("/examples/target/"));
    if (!found) {
      Path sibling = Path.of("..", "examples", "target", "classes").toAbsolutePath().normalize();
      if (!Files.isDirectory(sibling)) {
        fail("the examples module is not built (no " + sibling + "): build the reactor with -am");
      }
      entries.add(sibling.toString());
    }
    entries.removeIf(String::isEmpty);
    return String.join(File.pathSeparator, entries);
  }

  long pid() {
    return process.pid();
  }

  /** The server's resident set size in bytes (VmRSS of /proc/PID/status). */
  long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return fail(description + ": no VmRSS in /proc/" + process.pid() + "/status");
  }

  /** The server's open descriptors and what they point to. */
  Map<Integer, String> fds() throws IOException {
    Map<Integer, String> out = new TreeMap<>();
    Path dir = Path.of("/proc", String.valueOf(process.pid()), "fd");
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
          continue; // closed while we looked
        }
        out.put(Integer.parseInt(p.getFileName().toString()), target);
      }
    }
    return out;
  }

  /** Fails with the server's output if it exited. */
  void assertAlive(String when) throws IOException {
    if (!process.isAlive()) {
      fail(description + " exited " + when + "; its output:\n" + output());
    }
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws IOException {
    stop(process, log);
  }
}
