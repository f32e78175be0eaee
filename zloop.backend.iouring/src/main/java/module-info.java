/**
 * The Linux completion backend: io_uring through FFM (raw {@code io_uring_setup}, {@code
 * io_uring_enter} and {@code io_uring_register}, mmapped rings, a provided-buffer ring for
 * multishot receives). Selected with {@code -Dzloop.backend=io_uring}; {@code auto} prefers epoll
 * until the benchmark shows io_uring faster. Needs {@code
 * --enable-native-access=zloop.backend.iouring,zloop.posix}.
 */
module zloop.backend.iouring {
  requires zloop.engine;
  requires zloop.posix;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.iouring.IoUringBackendProvider;
}
