package zloop.tls;

import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import zloop.TlsOptions;

/** Makes an {@link SSLEngine} configured as the options say: side, SNI, host check, ALPN. */
final class EngineFactory {
  private EngineFactory() {}

  /**
   * @param serverHostName a client's expected server name; {@code null} or {@code ""} for none
   * @param peerPort the peer's port (a hint for session resumption), or -1
   */
  static SSLEngine create(
      SSLContext context, TlsOptions options, boolean serverSide, String serverHostName, int peerPort) {
    boolean named = !serverSide && serverHostName != null && !serverHostName.isEmpty();
    String host = named ? stripBrackets(serverHostName) : null;
    SSLEngine engine = named ? context.createSSLEngine(host, peerPort) : context.createSSLEngine();
    engine.setUseClientMode(!serverSide);
    SSLParameters p = engine.getSSLParameters();
    if (named) {
      // The JDK checks the certificate against engine.getPeerHost() with HTTPS (RFC 2818) rules.
      p.setEndpointIdentificationAlgorithm("HTTPS");
      if (!isIpLiteral(host)) {
        // Set explicitly: the JDK sends SNI on its own only for names with a dot ("localhost" has none).
        try {
          p.setServerNames(List.of(new SNIHostName(stripTrailingDot(host))));
        } catch (IllegalArgumentException e) {
          // Not a valid DNS name for SNI (e.g. an underscore): send none, still check the host.
        }
      }
    }
    if (serverSide) {
      switch (options.clientAuth()) {
        case NEED -> p.setNeedClientAuth(true);
        case WANT -> p.setWantClientAuth(true);
        case NONE -> p.setNeedClientAuth(false);
      }
    }
    if (!options.alpnProtocols().isEmpty()) {
      p.setApplicationProtocols(options.alpnProtocols().toArray(String[]::new));
    }
    if (!options.protocols().isEmpty()) {
      p.setProtocols(options.protocols().toArray(String[]::new));
    }
    engine.setSSLParameters(p);
    return engine;
  }

  /** An IPv4 or IPv6 literal (SNI must not carry those, RFC 6066 section 3). */
  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    int dots = 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots == 3;
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String stripTrailingDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
