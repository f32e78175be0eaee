package zloop.tests.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the host beyond the JDK: an IPv6 loopback, or a peer program (python3,
 * openssl, curl). Each method returns when the host has it and otherwise aborts the test, so
 * JUnit reports it skipped with the reason, never passed and never failed. Containers are the
 * usual place where one is missing (Docker disables IPv6 by default; a slim image has no python3).
 * Each probe runs once per test JVM.
 */
public final class Requires {
  private Requires() {}

  /** Probe → why the host lacks it (empty: it has it). */
  private static final Map<String, Optional<String>> MISSING = new ConcurrentHashMap<>();

  /** Aborts the test unless a TCP socket can be bound to ::1 here. */
  public static void ipv6Loopback() {
    String why =
        MISSING
            .computeIfAbsent("::1", key -> whyNoIpv6Loopback())
            .orElse(null);
    Assumptions.assumeTrue(why == null, () -> "needs an IPv6 loopback (::1): " + why);
  }

  /**
   * Aborts the test unless {@code python3} runs here and imports {@code modules}; returns the
   * command to start it.
   */
  static String python3(String... modules) {
    String imports = "import " + String.join(", ", modules.length == 0 ? new String[] {"sys"} : modules);
    tool("python3 (" + imports + ")", "python3", "-c", imports);
    return "python3";
  }

  /** Aborts the test unless {@code openssl version} runs here. */
  static void openssl() {
    tool("openssl", "openssl", "version");
  }

  /** Aborts the test unless {@code curl --version} runs here. */
  static void curl() {
    tool("curl", "curl", "--version");
  }

  /** Aborts the test (skipped: "needs {@code what}: why") unless {@code probe} exits 0 here. */
  static void tool(String what, String... probe) {
    List<String> command = List.of(probe);
    String why = MISSING.computeIfAbsent(String.join(" ", command), key -> whyNotRunning(command)).orElse(null);
    Assumptions.assumeTrue(why == null, () -> "needs " + what + ": " + why);
  }

  private static Optional<String> whyNoIpv6Loopback() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(Net.LOOPBACK6, 0));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("binding [::1]:0 failed (" + e.getMessage() + "); IPv6 is off on this host's loopback");
    }
  }

  private static Optional<String> whyNotRunning(List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.of(command.getFirst() + " is not installed (" + e.getMessage() + ")");
    }
    try {
      p.getOutputStream().close();
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(String.join(" ", command) + " did not finish in 30 s");
      }
      return p.exitValue() == 0
          ? Optional.empty()
          : Optional.of(String.join(" ", command) + " exited " + p.exitValue() + ": " + lastLines(output));
    } catch (IOException e) {
      return Optional.of(String.join(" ", command) + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return Optional.of("interrupted while probing " + command.getFirst());
    }
  }

  private static String lastLines(String text) {
    List<String> lines = text.lines().toList();
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
  }
}
