/**
 * The kqueue readiness backend: {@code kqueue}/{@code kevent} through FFM, a poller over the
 * shared POSIX socket core. Selected with {@code -Dzloop.backend=kqueue}. On Linux it binds
 * libkqueue, named by {@code -Dzloop.kqueue.library=PATH} or {@code ZLOOP_KQUEUE_LIBRARY}. Needs
 * {@code --enable-native-access=zloop.backend.kqueue,zloop.posix}.
 */
module zloop.backend.kqueue {
  requires zloop.engine;
  requires zloop.posix;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.kqueue.KqueueBackendProvider;
}
