/** The macOS/BSD readiness backend. Its provider reports it unavailable until it is written. */
module zloop.backend.kqueue {
  requires zloop.engine;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.kqueue.KqueueBackendProvider;
}
