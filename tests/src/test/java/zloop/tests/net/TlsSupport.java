package zloop.tests.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import zloop.EventLoop;
import zloop.Future;

/** What the TLS tests share beyond {@link Net}: outcomes that may go either way, peer tools. */
final class TlsSupport {
  private TlsSupport() {}

  /**
   * Opens, before the descriptor counts start, what the JDK keeps open once TLS ran: the
   * entropy devices its {@link java.security.SecureRandom} reads ({@link FdLeakCheck} would count
   * them against the first test).
   */
  static void warmUp() {
    new java.security.SecureRandom().nextBytes(new byte[16]);
    try {
      javax.net.ssl.SSLContext.getDefault().createSSLEngine().getSession();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the loop until the future is done: its result, or the exception it failed with. */
  static Object outcome(EventLoop loop, Future<?> future, String what) {
    try {
      return Net.await(loop, future, what);
    } catch (AssertionError e) {
      throw e;
    } catch (CancellationException e) {
      return e;
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Aborts the test (skipped, with the reason) unless {@code command --version}-like runs. */
  static void require(String tool, List<String> probe) {
    try {
      Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        in.readAllBytes();
      }
      p.getOutputStream().close();
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      Assumptions.assumeTrue(exited && p.exitValue() == 0, tool + " does not run here");
    } catch (IOException e) {
      Assumptions.abort(tool + " is not installed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Assumptions.abort("interrupted");
    }
  }

  static String python() {
    require("python3 with ssl and asyncio", List.of("python3", "-c", "import ssl, asyncio, zlib"));
    return "python3";
  }

  static void openssl() {
    require("openssl", List.of("openssl", "version"));
  }

  static void curl() {
    require("curl", List.of("curl", "--version"));
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
