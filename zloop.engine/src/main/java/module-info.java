/**
 * The zloop engine: the run-once loop, futures and tasks, the backend SPI ({@code
 * zloop.engine.spi}, exported only to the backend modules) and the portable NIO backend.
 */
module zloop.engine {
  requires transitive zloop.api;

  exports zloop.engine.spi to
      zloop.posix,
      zloop.backend.epoll,
      zloop.backend.iouring,
      zloop.backend.kqueue,
      zloop.test.support;

  uses zloop.engine.spi.BackendProvider;
  uses zloop.spi.TlsProvider; // zloop.tls, when TLS options are used

  provides zloop.spi.EventLoopFactory with
      zloop.engine.ZloopEventLoopFactory;
  provides zloop.engine.spi.BackendProvider with
      zloop.engine.nio.NioBackendProvider;
}
