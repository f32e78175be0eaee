/**
 * The Linux readiness backend: {@code epoll} and {@code eventfd} through FFM. Selected with {@code
 * -Dzloop.backend=epoll}, or by {@code auto} on Linux. Needs {@code
 * --enable-native-access=zloop.backend.epoll,zloop.posix}.
 */
module zloop.backend.epoll {
  requires zloop.engine;
  requires zloop.posix;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.epoll.EpollBackendProvider;
}
