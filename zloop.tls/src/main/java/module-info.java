/**
 * TLS on {@link javax.net.ssl.SSLEngine}, layered over any zloop transport: asyncio's {@code
 * sslproto}. A protocol over the raw transport runs the engine; a transport under the
 * application's protocol carries the plaintext. Users never name this module's classes: they put
 * {@link zloop.TlsOptions} in their options, and the engine finds this module through {@link
 * zloop.spi.TlsProvider}.
 */
module zloop.tls {
  requires zloop.api;

  provides zloop.spi.TlsProvider with
      zloop.tls.SslEngineTlsProvider;
}
