/**
 * The types zloop users touch: {@link zloop.EventLoop}, {@link zloop.EventLoops}, futures, tasks and
 * handles. This module holds no implementation; {@link zloop.EventLoops} finds the engine with
 * {@link java.util.ServiceLoader} through {@link zloop.spi.EventLoopFactory}.
 */
module zloop.api {
  exports zloop;
  exports zloop.spi;
  exports zloop.sync;
  // Shared by the stream transport and the TLS layer; not for users.
  exports zloop.internal.transport to
      zloop.engine,
      zloop.tls;

  uses zloop.spi.EventLoopFactory;
}
