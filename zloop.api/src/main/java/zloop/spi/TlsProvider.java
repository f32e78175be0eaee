package zloop.spi;

import zloop.BaseProtocol;
import zloop.EventLoop;
import zloop.Future;
import zloop.Side;
import zloop.TlsOptions;
import zloop.Transport;

/**
 * What the {@code zloop.tls} module provides to an engine: TLS as a protocol over a raw transport
 * and a transport under the application's protocol (asyncio's {@code sslproto}). Found with {@link
 * java.util.ServiceLoader}; users never call it directly.
 */
public interface TlsProvider {

  /**
   * A TLS layer for a connection that is about to be made: the engine installs {@link
   * TlsLayer#rawProtocol()} on the raw transport, whose {@code connectionMade} starts the
   * handshake; the application's protocol hears {@code connectionMade} with the TLS transport once
   * the handshake is done.
   *
   * @param loop the connection's loop
   * @param app the application's protocol
   * @param options the TLS options
   * @param side which end of the handshake this one plays
   * @param serverHostname a client's server name ({@code ""}: none), ignored for servers
   * @return the layer
   */
  TlsLayer newLayer(
      EventLoop loop, BaseProtocol app, TlsOptions options, Side side, String serverHostname);

  /**
   * Upgrades a connected transport to TLS: asyncio's {@code start_tls}. From now on the raw
   * transport talks to the TLS layer; the future completes with the TLS transport once the
   * handshake is done (the protocol does not hear {@code connectionMade} again). On failure the
   * raw transport is closed.
   *
   * @param loop the transport's loop
   * @param raw the connected transport
   * @param app the protocol that receives the decrypted data
   * @param options the TLS options
   * @param side which end of the handshake this one plays
   * @return a future of the TLS transport
   */
  Future<Transport> startTls(
      EventLoop loop, Transport raw, BaseProtocol app, TlsOptions options, Side side);

  /** One connection's TLS layer, before and during its handshake. */
  interface TlsLayer {
    /**
     * The protocol for the raw transport (a {@link zloop.BufferedProtocol}).
     *
     * @return the protocol
     */
    BaseProtocol rawProtocol();

    /**
     * Completes with the TLS transport after the handshake and the application's {@code
     * connectionMade}; fails with the handshake's failure (an {@link javax.net.ssl.SSLException}).
     *
     * @return the future of the TLS transport
     */
    Future<Transport> established();
  }
}
