package zloop.tls;

import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The extra info a TLS transport adds to the raw transport's (see {@link zloop.TlsOptions}). */
final class TlsInfo {
  private TlsInfo() {}

  /** The names answered here; every other name goes to the raw transport. */
  static final Set<String> NAMES =
      Set.of(
          "peercert", "cipher", "protocol", "alpn", "sslsession", "sslcontext", "ssl_object");

  /**
   * The value of a TLS name, or {@code null} before the handshake is done.
   *
   * @param engine the connection's engine, or {@code null} if none was made yet
   */
  static Object get(String name, SSLEngine engine, SSLContext context, boolean handshakeDone) {
    if (name.equals("sslcontext")) {
      return context;
    }
    if (name.equals("ssl_object")) {
      return engine; // asyncio's SSLObject: available from the start, as asyncio's is
    }
    if (engine == null || !handshakeDone) {
      return null;
    }
    SSLSession session = engine.getSession();
    return switch (name) {
      case "peercert" -> peerCertificates(session);
      case "cipher" -> session.getCipherSuite();
      case "protocol" -> session.getProtocol();
      case "alpn" -> {
        String p = engine.getApplicationProtocol();
        yield p == null || p.isEmpty() ? null : p;
      }
      case "sslsession" -> session;
      default -> null;
    };
  }

  private static List<java.security.cert.Certificate> peerCertificates(SSLSession session) {
    try {
      return List.of(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      return null; // the peer sent no certificate (a client that was not asked for one)
    }
  }
}
