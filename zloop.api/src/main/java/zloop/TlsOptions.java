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
 * (servers) and {@code startTls(..., Side.SERVER)} make servers, the rest make clients.
 *
 * <p>Immutable; start from {@link #of(SSLContext)} or {@link #client()} and change what differs
 * with the {@code withX} copies, so new options can be added without breaking callers:
 *
 * <pre>{@code
 * TlsOptions.of(context).withAlpnProtocols("h2", "http/1.1").withClientAuth(ClientAuth.NEED)
 * }</pre>
 *
 * <h2>Extra info of a TLS transport</h2>
 *
 * {@code "peercert"} (the peer's certificate chain as a {@code List<Certificate>}, leaf first, or
 * {@code null} if the peer sent none), {@code "cipher"} (the cipher suite's name), {@code
 * "protocol"} (the TLS version, e.g. {@code "TLSv1.3"}), {@code "alpn"} (the negotiated application
 * protocol, or {@code null}), {@code "sslsession"} ({@link javax.net.ssl.SSLSession}), {@code
 * "sslcontext"} (the {@link SSLContext} in use, after SNI selection), {@code "ssl_object"} (the
 * connection's {@link javax.net.ssl.SSLEngine}); every other name is passed to the transport
 * underneath ({@code "peername"}, {@code "socket"}, ...). {@link ExtraInfo} has a typed key for
 * each.
 */
public final class TlsOptions {

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

  private final SSLContext context;
  private final String serverHostname;
  private final List<String> alpnProtocols;
  private final List<String> protocols;
  private final ClientAuth clientAuth;
  private final Function<String, SSLContext> contextForName;
  private final Duration handshakeTimeout;
  private final Duration shutdownTimeout;

  private TlsOptions(
      SSLContext context,
      String serverHostname,
      List<String> alpnProtocols,
      List<String> protocols,
      ClientAuth clientAuth,
      Function<String, SSLContext> contextForName,
      Duration handshakeTimeout,
      Duration shutdownTimeout) {
    this.context = Objects.requireNonNull(context, "context");
    this.serverHostname = serverHostname;
    this.alpnProtocols = List.copyOf(alpnProtocols);
    this.protocols = List.copyOf(protocols);
    this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
    this.contextForName = contextForName;
    this.handshakeTimeout = positive(handshakeTimeout, "handshakeTimeout");
    this.shutdownTimeout = positive(shutdownTimeout, "shutdownTimeout");
  }

  private static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  /**
   * Options with the context and every default: no expected host name of its own, no ALPN, the
   * context's protocol versions, no client certificates asked, no SNI selection, asyncio's
   * timeouts.
   *
   * @param context the TLS context (keys, trust, versions)
   * @return the options
   */
  public static TlsOptions of(SSLContext context) {
    return new TlsOptions(
        context,
        null,
        List.of(),
        List.of(),
        ClientAuth.NONE,
        null,
        DEFAULT_HANDSHAKE_TIMEOUT,
        DEFAULT_SHUTDOWN_TIMEOUT);
  }

  /**
   * A client's options with the JDK's default context: the default trust store, host names
   * checked.
   *
   * @return the options
   * @throws IllegalStateException if the JDK has no default TLS context
   */
  public static TlsOptions client() {
    try {
      return of(SSLContext.getDefault());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * The TLS context (keys, trust, versions); for a server with {@link #contextForName()}, the one
   * used when the selector returns {@code null}.
   *
   * @return the context
   */
  public SSLContext context() {
    return context;
  }

  /**
   * A client's expected server name: sent as SNI (unless it is an IP literal) and checked against
   * the server's certificate (HTTPS rules). {@code null}: the host given to {@code
   * createConnection} (required for Unix sockets and {@code startTls}); {@code ""}: no SNI and no
   * host name check (trust is still checked by the context's trust managers).
   *
   * @return the name, {@code ""}, or {@code null}
   */
  public String serverHostname() {
    return serverHostname;
  }

  /**
   * ALPN protocol names in preference order, or empty for no ALPN.
   *
   * @return an unmodifiable list
   */
  public List<String> alpnProtocols() {
    return alpnProtocols;
  }

  /**
   * The TLS versions to enable (e.g. {@code "TLSv1.3"}), or empty for the context's defaults.
   *
   * @return an unmodifiable list
   */
  public List<String> protocols() {
    return protocols;
  }

  /**
   * Whether a server asks clients for a certificate.
   *
   * @return the policy
   */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /**
   * A server's SNI selector: maps the name a client asked for ({@code null} if it sent none) to
   * the context to use, or to {@code null} for {@link #context()}; {@code null} for no selection.
   *
   * @return the selector, or {@code null}
   */
  public Function<String, SSLContext> contextForName() {
    return contextForName;
  }

  /**
   * How long the handshake may take before the connection is aborted with an {@link
   * javax.net.ssl.SSLHandshakeException} (asyncio's default: 60 s).
   *
   * @return the timeout
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * How long closing waits for the peer's {@code close_notify} before it aborts the connection
   * (asyncio's default: 30 s).
   *
   * @return the timeout
   */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * A copy with another context.
   *
   * @param value the context
   * @return the copy
   */
  public TlsOptions withContext(SSLContext value) {
    return new TlsOptions(
        value, serverHostname, alpnProtocols, protocols, clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  /**
   * A copy with another expected server name (see {@link #serverHostname()}).
   *
   * @param value the name, {@code ""} for no check, or {@code null} for the host connected to
   * @return the copy
   */
  public TlsOptions withServerHostname(String value) {
    return new TlsOptions(
        context, value, alpnProtocols, protocols, clientAuth, contextForName, handshakeTimeout,
        shutdownTimeout);
  }

  /**
   * A copy with ALPN protocol names.
   *
   * @param value the names in preference order; none for no ALPN
   * @return the copy
   */
  public TlsOptions withAlpnProtocols(String... value) {
    return new TlsOptions(
        context, serverHostname, List.of(value), protocols, clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  /**
   * A copy that enables these TLS versions.
   *
   * @param value the versions; none for the context's defaults
   * @return the copy
   */
  public TlsOptions withProtocols(String... value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, List.of(value), clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  /**
   * A copy with another client-certificate policy.
   *
   * @param value the policy
   * @return the copy
   */
  public TlsOptions withClientAuth(ClientAuth value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, value, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  /**
   * A copy with an SNI selector (see {@link #contextForName()}).
   *
   * @param value the selector, or {@code null} for none
   * @return the copy
   */
  public TlsOptions withContextForName(Function<String, SSLContext> value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, value, handshakeTimeout,
        shutdownTimeout);
  }

  /**
   * A copy with another handshake timeout.
   *
   * @param value the timeout, positive
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public TlsOptions withHandshakeTimeout(Duration value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, contextForName, value,
        shutdownTimeout);
  }

  /**
   * A copy with another shutdown timeout.
   *
   * @param value the timeout, positive
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is zero or negative
   */
  public TlsOptions withShutdownTimeout(Duration value) {
    return new TlsOptions(
        context, serverHostname, alpnProtocols, protocols, clientAuth, contextForName,
        handshakeTimeout, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsOptions t
        && context.equals(t.context)
        && Objects.equals(serverHostname, t.serverHostname)
        && alpnProtocols.equals(t.alpnProtocols)
        && protocols.equals(t.protocols)
        && clientAuth == t.clientAuth
        && Objects.equals(contextForName, t.contextForName)
        && handshakeTimeout.equals(t.handshakeTimeout)
        && shutdownTimeout.equals(t.shutdownTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        context, serverHostname, alpnProtocols, protocols, clientAuth, contextForName,
        handshakeTimeout, shutdownTimeout);
  }

  @Override
  public String toString() {
    return "TlsOptions[serverHostname=" + serverHostname + ", alpnProtocols=" + alpnProtocols
        + ", protocols=" + protocols + ", clientAuth=" + clientAuth + ", handshakeTimeout="
        + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout + "]";
  }
}
