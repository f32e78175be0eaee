package zloop.backend.iouring;

import java.util.Arrays;
import zloop.engine.spi.AcceptHandler;
import zloop.posix.Errno;
import zloop.posix.Libc;
import zloop.posix.Sockets;

/**
 * The listening side of a socket: one multishot ACCEPT, each completion a new connection, armed
 * again only when the kernel ends it.
 *
 * <p>{@link #stop} cancels it; connections that complete meanwhile were accepted by the kernel
 * already, so they are held (never leaked, never refused) and handed over first when accepting
 * starts again, or closed with the listener.
 *
 * <p>Running out of descriptors or memory is reported as exhaustion, so the engine pauses
 * accepting for a while instead of spinning; errors that belong to one dying connection ({@code
 * ECONNABORTED} and the like, see accept(2)) are skipped. Loop thread only.
 */
final class Acceptor {

  private static final int ACCEPT_FLAGS = Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC;

  private final IoUringSocket socket;
  private AcceptHandler handler;
  private boolean armed;
  private boolean cancelling;
  private int[] held = new int[0];
  private int heldCount;

  Acceptor(IoUringSocket socket) {
    this.socket = socket;
  }

  void start(AcceptHandler handler) {
    this.handler = handler;
    socket.backend().schedule(socket);
  }

  void stop() {
    if (handler != null) {
      handler = null;
      if (armed) {
        socket.backend().schedule(socket);
      }
    }
  }

  boolean isArmed() {
    return armed;
  }

  /** Submission phase: hands over held connections, then arms the ACCEPT or cancels it. */
  int submit() {
    if (handler == null) {
      if (armed && !cancelling) {
        socket.backend().cancel(socket.slot, UserData.ACCEPT);
        cancelling = true;
      }
      return 0;
    }
    int calls = 0;
    int next = 0;
    while (next < heldCount && handler != null && socket.isOpen()) {
      calls++;
      handler.onAccept(socket.backend().adopt(held[next++], socket.domain));
    }
    System.arraycopy(held, next, held, 0, heldCount - next);
    heldCount -= next;
    if (handler != null && !armed && socket.isOpen()) {
      IoUringBackend backend = socket.backend();
      Submitter submitter = backend.submitter();
      Sqe.acceptMultishot(
          submitter.sqes(),
          submitter.sqe(),
          socket.fd,
          ACCEPT_FLAGS,
          backend.userData(socket.slot, UserData.ACCEPT));
      armed = true;
    }
    return calls;
  }

  /** A completion of the ACCEPT: a new descriptor, or why none came. */
  void complete(int res, int flags) {
    if (!Cqe.more(flags)) {
      armed = false;
      cancelling = false;
    }
    if (res >= 0) {
      accepted(res);
    } else {
      failed(-res);
    }
    if (!armed && handler != null && socket.isOpen()) {
      socket.backend().schedule(socket);
    }
  }

  private void accepted(int fd) {
    if (handler != null && heldCount == 0) {
      handler.onAccept(socket.backend().adopt(fd, socket.domain));
      return;
    }
    if (heldCount == held.length) {
      held = Arrays.copyOf(held, Math.max(4, heldCount * 2));
    }
    held[heldCount++] = fd;
  }

  private void failed(int errno) {
    switch (errno) {
      // The cancel of stop() or close(); a signal: nothing is wrong with the listener.
      case Errno.ECANCELED, Errno.EINTR, Errno.EAGAIN -> {}
      // accept(2): errors already pending on the new connection; the listener is fine.
      case Errno.ECONNABORTED,
          Errno.EPROTO,
          Errno.ENETDOWN,
          Errno.ENOPROTOOPT,
          Errno.EHOSTDOWN,
          Errno.ENONET,
          Errno.EHOSTUNREACH,
          Errno.EOPNOTSUPP,
          Errno.ENETUNREACH -> {}
      case Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.ENOMEM -> {
        if (handler != null) {
          handler.onAcceptError(Errno.exception("accept", errno), true);
        }
      }
      default -> {
        if (handler != null) {
          handler.onAcceptError(Errno.exception("accept", errno), false);
        }
      }
    }
  }

  /** Closes the connections nobody took (the listener is closing). */
  void closeHeld() {
    for (int i = 0; i < heldCount; i++) {
      Libc.close(held[i], socket.backend().syscalls().errno);
    }
    heldCount = 0;
    handler = null;
  }
}
