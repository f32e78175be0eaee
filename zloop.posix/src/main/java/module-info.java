/**
 * What zloop's native backends share: libc bound through FFM, errno constants and the one place
 * where a failing syscall becomes an exception, and OS detection. Exported only to the backends.
 */
module zloop.posix {
  exports zloop.posix to
      zloop.backend.epoll,
      zloop.backend.iouring,
      zloop.backend.kqueue;
}
