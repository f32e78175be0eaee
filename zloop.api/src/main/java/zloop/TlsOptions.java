package zloop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * TLS for a connection, a server, a stream or {@link EventLoop#startTls}: asyncio's {@code ssl=}
 * argument with its companions ({@code server_hostname}, {@code ssl_handshake_timeout}, {@code
 * ssl_shutdown_timeout}). The TLS layer itself lives in the {@code zloop.tls} module, which must be
 * on the module path.
 *
 * <p>Which side a connection plays follows from where the options go: {@link ServerOptions}
 * (servers) and {@code startTls(..., serverSide = true)} make servers, the rest make clients.
 *
 * <h2>Extra info of a TLS transport</h2>
 *
 * {@code "peercert"} (the peer's certificate chain as a {@code List<Certificate>}, leaf first, or
 * {@code null} if the peer sent none), {@code "cipher"} (the cipher suite's name), {@code
 * "protocol"} (the TLS version, e.g. {@code "TLSv1.3"}), {@code "alpn"} (the negotiated application
 * protocol, or {@code null}), {@code "sslsession"} ({@link javax.net.ssl.SSLSession}), {@code
 * "sslcontext"} (the {@link SSLContext} in use, after SNI selection); every other name is passed
 * to the transport underneath ({@code "peername"}, {@code "socket"}, ...).
 *
 * @param context the TLS context (keys, trust, versions); for a server with {@link
 *     #contextForName}, the one used when the selector returns {@code null}
 * @param serverHostname a client's expected server name: sent as SNI (unless it is an IP literal)
 *     and checked against the server's certificate (HTTPS rules). {@code null}: the host given to
 *     {@code createConnection} (required for Unix sockets and {@code startTls}); {@code ""}: no SNI
 *     and no host name check (trust is still checked by the context's trust managers)
 * @param alpnProtocols ALPN protocol names in preference order, or empty for no ALPN
 * @param protocols the TLS versions to enable (e.g. {@code "TLSv1.3"}), or empty for the context's
 *     defaults
 * @param clientAuth whether a server asks clients for a certificate
 * @param contextForName a server's SNI selector: maps the name a client asked for ({@code null} if
 *     it sent none) to the context to use, or to {@code null} for {@link #context}; {@code null}
 *     for no selection
 * @param handshakeTimeout how long the handshake may take before the connection is aborted with
 *     an {@link javax.net.ssl.SSLHandshakeException} (asyncio's default: 60 s)
 * @param shutdownTimeout how long closing waits for the peer's {@code close_notify} before it
 *     aborts the connection (asyncio's default: 30 s)
 */
public record TlsOptions(
    SSLContext context,
    String serverHostname,
    List<String> alpnProtocols,
    List<String> protocols,
    ClientAuth clientAuth,
    Function<String, SSLContext> contextForName,
    Duration handshakeTimeout,
    Duration shutdownTimeout) {

  /** asyncio's {@code SSL_HANDSHAKE_TIMEOUT}. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);

  /** asyncio's {@code SSL_SHUTDOWN_TIMEOUT}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** Whether a TLS server asks for client certificates. */
  public enum ClientAuth {
    /** Does not ask. */
    NONE,
    /** Asks; a client without a certificate is still accepted. */
    WANT,
    /** Requires one: the handshake fails without it. */
    NEED
  }

  public TlsOptions {
    Objects.requireNonNull(context, "context");
    alpnProtocols = alpnProtocols == null ? List.of() : List.copyOf(alpnProtocols);
    protocols = protocols == null ? List.of() : List.copyOf(protocols);
    clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    handshakeTimeout = positive(handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT, "handshakeTimeout");
    shutdownTimeout = positive(shutdownTimeout, DEFAULT_SHUTDOWN_TIMEOUT, "shutdownTimeout");
  }

  private static Duration positive(Duration value, Duration fallback, String name) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  /** Options with the context and every default. */
  public static TlsOptions of(SSLContext context) {
    return new TlsOptions(context, null, null, null, null, null, null, null);
  }

  /**
   * A client's options with the JDK's default context: the default trust store, host names
   * checked.
   */
  public static TlsOptions client() {
    try {
      return of(SSLContext.getDefault());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  public TlsOptions withContext(SSLContext value) {
    return new TlsOptions(
        value, serverHostname, alpnProtocols, protocols, clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  public TlsOptions withServerHostname(String value) {
    return new TlsOptions(
        context, value, alpnProtocols, protocols, clientAuth, contextForName, handshakeTimeout,
        shutdownTimeout);
  }

  public TlsOptions withAlpnProtocols(String... value) {
    return new TlsOptions(
        context, serverHostname, List.of(value), protocols, clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  public TlsOptions withProtocols(String... value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, List.of(value), clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  public TlsOptions withClientAuth(ClientAuth value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, value, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  public TlsOptions withContextForName(Function<String, SSLContext> value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, value, handshakeTimeout,
        shutdownTimeout);
  }

  public TlsOptions withHandshakeTimeout(Duration value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, contextForName, value,
        shutdownTimeout);
  }

  public TlsOptions withShutdownTimeout(Duration value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, contextForName,
        handshakeTimeout, value);
  }
}
