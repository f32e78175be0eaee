/**
 * The zloop engine: the run-once loop, futures and tasks, and the backend SPI ({@code
 * zloop.engine.spi}, exported only to the backend modules). It holds no backend: every backend,
 * the portable {@code zloop.backend.nio} included, is a module of its own found through {@link
 * java.util.ServiceLoader}.
 */
module zloop.engine {
  requires transitive zloop.api;
  requires jdk.unsupported; // sun.misc.Signal: the JDK has no public signal API (EventLoop.addSignalHandler)
  // The zloop.* flight-recorder events (zloop.engine.jfr). Not static: jdk.jfr is in every JDK,
  // and a jlinked image that left it out would fail when the first event class loads.
  requires jdk.jfr;

  exports zloop.engine.spi to
      zloop.posix,
      zloop.backend.nio,
      zloop.backend.epoll,
      zloop.backend.iouring,
      zloop.backend.kqueue,
      zloop.test.support;

  uses zloop.engine.spi.BackendProvider;
  uses zloop.spi.TlsProvider; // zloop.tls, when TLS options are used

  provides zloop.spi.EventLoopFactory with
      zloop.engine.ZloopEventLoopFactory;
}
