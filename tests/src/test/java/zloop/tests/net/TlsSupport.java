package zloop.tests.net;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
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

  static String python() {
    return Requires.python3("ssl", "asyncio", "zlib");
  }

  static void openssl() {
    Requires.openssl();
  }

  static void curl() {
    Requires.curl();
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
