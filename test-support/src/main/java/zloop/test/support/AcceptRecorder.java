package zloop.test.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;

/** Keeps what a listener accepts; fails the test if called after the listener closed. */
public final class AcceptRecorder implements AcceptHandler {

  public final SocketHandle listener;
  public final List<SocketHandle> sockets = new ArrayList<>();
  public final List<IOException> errors = new ArrayList<>();

  /** Whether the last error was resource exhaustion. */
  public boolean exhausted;

  public AcceptRecorder(SocketHandle listener) {
    this.listener = listener;
  }

  @Override
  public void onAccept(SocketHandle accepted) {
    if (!listener.isOpen()) {
      fail("onAccept after the listener closed");
    }
    sockets.add(accepted);
  }

  @Override
  public void onAcceptError(IOException failure, boolean resourceExhausted) {
    if (!listener.isOpen()) {
      fail("onAcceptError after the listener closed");
    }
    errors.add(failure);
    exhausted = resourceExhausted;
  }
}
