package zloop.backend.iouring;

import java.util.Arrays;
import zloop.engine.spi.AcceptHandler;
import zloop.posix.AcceptErrors;
import zloop.posix.Errno;
import zloop.posix.Sockets;

/**
 * The listening side of a socket: one multishot ACCEPT, each completion a new connection, armed
 * again only when the kernel ends it.
 *
 * <p>Each accepted socket learns its peer's address at once, from the accept ({@link
 * IoUringBackend#adopt}), so a connection reset before anyone looks still names its peer.
 *
 * <p>{@link #stop} cancels it; connections that complete meanwhile were accepted by the kernel
 * already, so they are held (never leaked, never refused) and handed over first when accepting
 * starts again, or reset when the listener closes (as the kernel resets what waits in a closed
 * listener's backlog).
 *
 * <p>Errors are classified and reported by {@link AcceptErrors}, as on every backend: skipped,
 * reported as exhaustion (the engine pauses accepting), reported for one connection, or, when the
 * listener itself is broken, reported once, after which it is never armed again. Loop thread only.
 */
final class Acceptor {

  private static final int ACCEPT_FLAGS = Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC;

  static {
    AcceptErrors.load(); // accept errors come when descriptors ran out: no class loads then
  }

  private final IoUringSocket socket;
  private AcceptHandler handler;
  private boolean armed;
  private boolean cancelling;
  private boolean broken;
  private IoUringSocket[] held = new IoUringSocket[0];
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
    if (handler == null || broken) {
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
      IoUringSocket s = held[next];
      held[next++] = null;
      handler.onAccept(s);
    }
    System.arraycopy(held, next, held, 0, heldCount - next);
    Arrays.fill(held, heldCount - next, heldCount, null);
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
    if (!armed && handler != null && !broken && socket.isOpen()) {
      socket.backend().schedule(socket);
    }
  }

  private void accepted(int fd) {
    IoUringSocket accepted = socket.backend().adopt(fd, socket.family());
    if (handler != null && heldCount == 0) {
      handler.onAccept(accepted);
      return;
    }
    if (heldCount == held.length) {
      held = Arrays.copyOf(held, Math.max(4, heldCount * 2));
    }
    held[heldCount++] = accepted;
  }

  private void failed(int errno) {
    if (errno == Errno.ECANCELED) {
      return; // the cancel of stop() or close(), or its thread exited: armed again if wanted
    }
    AcceptErrors.Action action = AcceptErrors.classify(errno);
    if (action == AcceptErrors.Action.LISTENER_BROKEN) {
      broken = true; // every further accept would fail the same way
      if (armed) {
        socket.backend().schedule(socket); // cancels it
      }
    }
    AcceptErrors.report(errno, action, handler);
  }

  /** Resets the connections nobody took (the listener is closing). */
  void closeHeld() {
    for (int i = 0; i < heldCount; i++) {
      held[i].refuse();
      held[i] = null;
    }
    heldCount = 0;
    handler = null;
  }
}
