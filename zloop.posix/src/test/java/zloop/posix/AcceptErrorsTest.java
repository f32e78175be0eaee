package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.posix.AcceptErrors.Action;

/**
 * The one accept-error policy every native backend applies: which errno is skipped, which pauses
 * accepting (exhaustion), which breaks the listener, which fails one connection; and how each is
 * reported to the engine.
 */
class AcceptErrorsTest {

  private static final Map<Integer, Action> TABLE =
      Map.ofEntries(
          Map.entry(Errno.EAGAIN, Action.SKIP),
          Map.entry(Errno.EINTR, Action.SKIP),
          Map.entry(Errno.ECONNABORTED, Action.SKIP),
          Map.entry(Errno.EPROTO, Action.SKIP),
          Map.entry(Errno.ENETDOWN, Action.SKIP),
          Map.entry(Errno.ENOPROTOOPT, Action.SKIP),
          Map.entry(Errno.EHOSTDOWN, Action.SKIP),
          Map.entry(Errno.ENONET, Action.SKIP),
          Map.entry(Errno.EHOSTUNREACH, Action.SKIP),
          Map.entry(Errno.EOPNOTSUPP, Action.SKIP),
          Map.entry(Errno.ENETUNREACH, Action.SKIP),
          Map.entry(Errno.EMFILE, Action.EXHAUSTED),
          Map.entry(Errno.ENFILE, Action.EXHAUSTED),
          Map.entry(Errno.ENOBUFS, Action.EXHAUSTED),
          Map.entry(Errno.ENOMEM, Action.EXHAUSTED),
          Map.entry(Errno.EINVAL, Action.LISTENER_BROKEN),
          Map.entry(Errno.EBADF, Action.LISTENER_BROKEN),
          Map.entry(Errno.ENOTSOCK, Action.LISTENER_BROKEN),
          Map.entry(Errno.EPERM, Action.CONNECTION_FAILED),
          Map.entry(Errno.EACCES, Action.CONNECTION_FAILED));

  @Test
  void everyErrnoHasItsClass() {
    TABLE.forEach(
        (errno, action) -> assertEquals(action, AcceptErrors.classify(errno), Errno.name(errno)));
  }

  @Test
  void eachClassIsReportedTheSameWayOnEveryBackend() {
    TABLE.forEach(
        (errno, action) -> {
          Recording handler = new Recording();
          AcceptErrors.report(errno, action, handler);
          if (action == Action.SKIP) {
            assertTrue(handler.errors.isEmpty(), Errno.name(errno) + " is skipped silently");
            return;
          }
          assertEquals(1, handler.errors.size(), Errno.name(errno));
          String message = handler.errors.get(0).getMessage();
          assertTrue(message.contains("accept") && message.contains(Errno.name(errno)), message);
          assertEquals(
              action == Action.EXHAUSTED,
              handler.exhausted.get(0),
              Errno.name(errno) + ": exhaustion pauses accepting, nothing else does");
        });
  }

  @Test
  void aListenerWithoutHandlerHearsNothing() {
    AcceptErrors.report(Errno.EMFILE, Action.EXHAUSTED, null); // stopped accepting meanwhile
  }

  private static final class Recording implements AcceptHandler {
    final List<IOException> errors = new ArrayList<>();
    final List<Boolean> exhausted = new ArrayList<>();

    @Override
    public void onAccept(SocketHandle accepted) {
      throw new AssertionError("no connection here");
    }

    @Override
    public void onAcceptError(IOException failure, boolean resourceExhausted) {
      errors.add(failure);
      exhausted.add(resourceExhausted);
    }
  }
}
