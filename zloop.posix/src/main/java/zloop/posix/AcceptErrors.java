package zloop.posix;

import zloop.engine.spi.AcceptHandler;

/**
 * What an error from {@code accept(2)} means for the listener, decided once for every backend so
 * that they all treat the same errno the same way, and reported ({@link #report}) the same way:
 * the same exception, the same exhaustion flag. A backend keeps only what its accept mechanism
 * needs on top: a readiness backend stops its batch, a ring stops re-arming a broken listener.
 */
public final class AcceptErrors {

  /** What a backend does after an accept failed with an errno. */
  public enum Action {
    /**
     * Nothing to report: no connection waited ({@code EAGAIN}), a signal ({@code EINTR}), or a
     * connection that died in the backlog (accept(2): {@code ECONNABORTED}, {@code EPROTO}, and the
     * network errors already pending on the new socket). Accepting goes on.
     */
    SKIP,
    /**
     * The process or system ran out of descriptors or memory ({@code EMFILE}, {@code ENFILE},
     * {@code ENOBUFS}, {@code ENOMEM}): report it as exhaustion, so the engine pauses accepting
     * instead of spinning on a listener that stays ready.
     */
    EXHAUSTED,
    /**
     * The listener itself is unusable ({@code EINVAL}: not listening; {@code EBADF}, {@code
     * ENOTSOCK}): every further accept would fail the same way, so report it once and stop
     * accepting on it.
     */
    LISTENER_BROKEN,
    /**
     * Anything else ({@code EPERM} from a firewall rule, say): one connection was refused; report
     * it and go on accepting.
     */
    CONNECTION_FAILED
  }

  /** Loaded with this class, so that {@link #load()} loads the enum too. */
  private static final Action[] ACTIONS = Action.values();

  private AcceptErrors() {}

  /**
   * Loads this class and {@link Action} now. Call it from the class initializer of code that
   * classifies accept errors: {@code EMFILE} comes when the process has no descriptor left, and
   * then the JVM cannot open a class file either. (Callers compare actions with {@code ==} rather
   * than switch on them, since a switch over an enum loads a synthetic class lazily.)
   */
  public static void load() {
    if (ACTIONS.length != 4) {
      throw new AssertionError("AcceptErrors.Action changed");
    }
  }

  /**
   * Tells {@code handler} (if any) about {@code errno} (positive) from an accept, classified as
   * {@code action}: nothing for {@link Action#SKIP}; {@code onAcceptError(e, true)} for {@link
   * Action#EXHAUSTED} (the engine pauses accepting); {@code onAcceptError(e, false)} otherwise.
   * A backend records {@link Action#LISTENER_BROKEN} (stops accepting) before it reports, since
   * the handler may close the listener.
   */
  public static void report(int errno, Action action, AcceptHandler handler) {
    if (action != Action.SKIP && handler != null) {
      handler.onAcceptError(Errno.exception("accept", errno), action == Action.EXHAUSTED);
    }
  }

  /** The action for {@code errno} (positive) from {@code accept}/{@code accept4}. */
  public static Action classify(int errno) {
    return switch (errno) {
      case Errno.EAGAIN,
          Errno.EINTR,
          Errno.ECONNABORTED,
          Errno.EPROTO,
          Errno.ENETDOWN,
          Errno.ENOPROTOOPT,
          Errno.EHOSTDOWN,
          Errno.ENONET,
          Errno.EHOSTUNREACH,
          Errno.EOPNOTSUPP,
          Errno.ENETUNREACH ->
          Action.SKIP;
      case Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.ENOMEM -> Action.EXHAUSTED;
      case Errno.EINVAL, Errno.EBADF, Errno.ENOTSOCK -> Action.LISTENER_BROKEN;
      default -> Action.CONNECTION_FAILED;
    };
  }
}
