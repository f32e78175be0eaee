package zloop;

import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * A typed key for a transport's extra information: {@code transport.getExtraInfo(ExtraInfo.PEERNAME)}
 * is asyncio's {@code transport.get_extra_info("peername")}, with the type checked once here
 * instead of a cast at every call. Each key's {@link #name()} is asyncio's string name, which the
 * {@code getExtraInfo(String)} overloads still accept (they are what layered transports forward,
 * and what a transport with names of its own answers).
 *
 * @param <T> the type of the value
 */
public final class ExtraInfo<T> {

  /** {@code "peername"}: the remote address ({@link java.net.InetSocketAddress} or {@link UnixAddress}). */
  public static final ExtraInfo<SocketAddress> PEERNAME = of("peername", SocketAddress.class);

  /** {@code "sockname"}: the local address. */
  public static final ExtraInfo<SocketAddress> SOCKNAME = of("sockname", SocketAddress.class);

  /**
   * {@code "socket"}: the transport's {@link NetSocket}, the same object on every call; its {@code
   * close()} is refused while the transport holds it open.
   */
  public static final ExtraInfo<NetSocket> SOCKET = of("socket", NetSocket.class);

  /** {@code "backend"}: the name of the loop's I/O backend (zloop's own). */
  public static final ExtraInfo<String> BACKEND = of("backend", String.class);

  /**
   * {@code "peercert"}: the TLS peer's certificate chain, leaf first, or {@code null} if the peer
   * sent none.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final ExtraInfo<List<Certificate>> PEERCERT =
      new ExtraInfo<>("peercert", (Class) List.class);

  /** {@code "cipher"}: the TLS cipher suite's name. */
  public static final ExtraInfo<String> CIPHER = of("cipher", String.class);

  /** {@code "protocol"}: the TLS version, e.g. {@code "TLSv1.3"}. */
  public static final ExtraInfo<String> PROTOCOL = of("protocol", String.class);

  /** {@code "alpn"}: the negotiated application protocol, or {@code null}. */
  public static final ExtraInfo<String> ALPN = of("alpn", String.class);

  /** {@code "sslsession"}: the TLS session. */
  public static final ExtraInfo<SSLSession> SSL_SESSION = of("sslsession", SSLSession.class);

  /** {@code "sslcontext"}: the TLS context in use (after SNI selection). */
  public static final ExtraInfo<SSLContext> SSL_CONTEXT = of("sslcontext", SSLContext.class);

  /** {@code "ssl_object"}: the connection's {@link SSLEngine} (asyncio's {@code SSLObject}). */
  public static final ExtraInfo<SSLEngine> SSL_OBJECT = of("ssl_object", SSLEngine.class);

  private final String name;
  private final Class<T> type;

  private ExtraInfo(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  /**
   * A key for a name of a transport's own (the constants above cover zloop's transports).
   *
   * @param <T> the type of the value
   * @param name the string name the transport answers
   * @param type the class of the value
   * @return the key
   */
  public static <T> ExtraInfo<T> of(String name, Class<T> type) {
    return new ExtraInfo<>(name, type);
  }

  /**
   * The string name: asyncio's, for the names asyncio has.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Checks a value looked up by {@link #name()}.
   *
   * @param value the value, or {@code null}
   * @return the value as a {@code T}, or {@code null}
   * @throws ClassCastException if the transport answered with another type
   */
  public T cast(Object value) {
    if (value != null && !type.isInstance(value)) {
      throw new ClassCastException(
          "extra info \"" + name + "\" is a " + value.getClass().getName() + ", not a "
              + type.getName());
    }
    return type.cast(value);
  }

  @Override
  public String toString() {
    return "ExtraInfo[" + name + "]";
  }
}
