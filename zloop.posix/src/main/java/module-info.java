/**
 * What zloop's native backends share: libc bound through FFM (file and socket calls), the {@code
 * sockaddr}, {@code iovec} and socket-option codecs, errno constants and the one place where a
 * failing syscall becomes an exception, and OS detection. Exported only to the backends.
 */
module zloop.posix {
  // UnixAddress and ZloopSocketOptions: types the codecs translate, never part of this API.
  requires zloop.api;
  // The backend SPI types the socket core serves (SocketKind, SendFile); the engine exports its
  // SPI to this module for that.
  requires zloop.engine;

  exports zloop.posix to
      zloop.backend.epoll,
      zloop.backend.iouring,
      zloop.backend.kqueue;
}
