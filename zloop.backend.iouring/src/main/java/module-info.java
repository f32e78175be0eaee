/** The Linux completion backend. Its provider reports it unavailable until it is written. */
module zloop.backend.iouring {
  requires zloop.engine;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.iouring.IoUringBackendProvider;
}
