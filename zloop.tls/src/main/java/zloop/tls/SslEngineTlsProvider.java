package zloop.tls;

import zloop.Side;
import java.util.Objects;
import zloop.BaseProtocol;
import zloop.EventLoop;
import zloop.Future;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.internal.transport.AppProtocolCaller;
import zloop.spi.TlsProvider;

/**
 * The {@link TlsProvider} of this module: TLS on {@link javax.net.ssl.SSLEngine}. Public only for
 * {@link java.util.ServiceLoader}.
 */
public final class SslEngineTlsProvider implements TlsProvider {

  /** For {@link java.util.ServiceLoader}. */
  public SslEngineTlsProvider() {}

  @Override
  public TlsLayer newLayer(
      EventLoop loop, BaseProtocol app, TlsOptions options, Side side, String serverHostname) {
    TlsProtocol tls =
        new TlsProtocol(loop, app, options, isServer(side), serverHostname, false);
    return new TlsLayer() {
      @Override
      public BaseProtocol rawProtocol() {
        return tls;
      }

      @Override
      public Future<Transport> established() {
        return tls.established();
      }
    };
  }

  /** asyncio's {@code start_tls}: see {@link TlsProvider#startTls}. */
  @Override
  public Future<Transport> startTls(
      EventLoop loop, Transport raw, BaseProtocol app, TlsOptions options, Side side) {
    boolean serverSide = isServer(side);
    Objects.requireNonNull(raw, "transport");
    AppProtocolCaller.requireStreamProtocol(app);
    if (!serverSide && options.serverHostname() == null) {
      throw new IllegalArgumentException(
          "startTls on the client side needs TlsOptions.serverHostname (\"\" to skip the host name"
              + " check)");
    }
    if (raw.isClosing()) {
      Future<Transport> closing = loop.createFuture();
      closing.setException(new IllegalStateException("the transport is closing"));
      return closing;
    }
    TlsProtocol tls =
        new TlsProtocol(loop, app, options, serverSide, options.serverHostname(), true);
    // asyncio's order: no reads reach the old protocol meanwhile; the handshake starts on the
    // next turn, reading resumes after it.
    raw.pauseReading();
    raw.setProtocol(tls);
    loop.callSoon(() -> tls.connectionMade(raw));
    loop.callSoon(raw::resumeReading);
    return tls.established();
  }

  private static boolean isServer(Side side) {
    return java.util.Objects.requireNonNull(side, "side") == Side.SERVER;
  }
}
