package zloop.engine.net;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import zloop.ConnectOptions;
import zloop.Future;
import zloop.TimerHandle;
import zloop.UnixAddress;
import zloop.engine.Loop;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.task.LoopFuture;

/**
 * Connects to the first address that answers, trying them in order: one after another, or
 * staggered by the happy-eyeballs delay (RFC 8305), in which case the first attempt to succeed
 * wins and the others are closed. When all fail, the failure carries every error.
 */
final class Dialer {
  private final Loop loop;
  private final List<SocketAddress> addresses;
  private final ConnectOptions options;
  private final LoopFuture<SocketHandle> result;
  private final List<IOException> errors = new ArrayList<>();
  private final List<SocketHandle> inFlight = new ArrayList<>();
  private int next;
  private TimerHandle staggerTimer;

  Dialer(Loop loop, List<SocketAddress> addresses, ConnectOptions options) {
    this.loop = loop;
    this.addresses = addresses;
    this.options = options;
    this.result = new LoopFuture<>(loop);
  }

  Future<SocketHandle> start() {
    result.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            closeAll();
          }
        });
    startNext();
    return result;
  }

  private void startNext() {
    if (staggerTimer != null) {
      staggerTimer.cancel();
      staggerTimer = null;
    }
    if (result.isDone()) {
      return;
    }
    while (next < addresses.size()) {
      SocketAddress address = addresses.get(next++);
      if (attempt(address)) {
        if (options.happyEyeballsDelay().isPresent() && next < addresses.size()) {
          staggerTimer = loop.callLater(options.happyEyeballsDelay().get(), this::startNext);
        }
        return;
      }
    }
    if (inFlight.isEmpty()) {
      result.tryFail(combinedFailure());
    }
  }

  /** Starts one attempt; false if it failed at once (already recorded). */
  private boolean attempt(SocketAddress address) {
    SocketHandle s = null;
    try {
      s = loop.backend().openSocket(kindOf(address));
      if (options.localAddress() != null) {
        s.bind(options.localAddress());
      }
      SocketHandle socket = s;
      inFlight.add(socket);
      s.connect(address, failure -> finished(socket, address, failure));
      return true;
    } catch (IOException e) {
      if (s != null) {
        inFlight.remove(s);
        s.close();
      }
      errors.add(withAddress(e, address));
      return false;
    }
  }

  private void finished(SocketHandle socket, SocketAddress address, IOException failure) {
    inFlight.remove(socket);
    if (failure == null && !result.isDone()) {
      closeAll();
      if (staggerTimer != null) {
        staggerTimer.cancel();
      }
      result.tryComplete(socket);
      return;
    }
    socket.close();
    if (failure != null) {
      errors.add(withAddress(failure, address));
      startNext(); // a failure starts the next attempt at once, without waiting for the delay
    }
  }

  private void closeAll() {
    for (SocketHandle s : inFlight) {
      s.close();
    }
    inFlight.clear();
  }

  private static SocketKind kindOf(SocketAddress address) {
    if (address instanceof UnixAddress) {
      return SocketKind.UNIX;
    }
    InetSocketAddress inet = (InetSocketAddress) address;
    return inet.getAddress() instanceof Inet6Address ? SocketKind.TCP6 : SocketKind.TCP4;
  }

  private static IOException withAddress(IOException e, SocketAddress address) {
    String message = e.getMessage();
    if (message != null && message.contains(String.valueOf(address))) {
      return e;
    }
    // Keep the standard type (a local address in use is a BindException, as asyncio's OSError
    // keeps its errno): callers catch by type, the message only adds the address.
    String text = "connect to " + address + " failed: " + message;
    IOException clearer =
        switch (e) {
          case ConnectException c -> new ConnectException(text);
          case BindException b -> new BindException(text);
          case NoRouteToHostException n -> new NoRouteToHostException(text);
          default -> new IOException(text);
        };
    clearer.initCause(e);
    return clearer;
  }

  /** asyncio's rule: one error, or all alike, is raised as is; otherwise "Multiple exceptions". */
  private IOException combinedFailure() {
    if (errors.size() == 1) {
      return errors.get(0);
    }
    boolean alike = errors.stream().map(Throwable::getMessage).distinct().count() == 1;
    IOException first = errors.get(0);
    if (alike && !options.allErrors()) {
      return first;
    }
    StringBuilder text = new StringBuilder("Multiple exceptions: ");
    for (int i = 0; i < errors.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(errors.get(i).getMessage());
    }
    IOException combined =
        errors.stream().allMatch(e -> e instanceof ConnectException)
            ? new ConnectException(text.toString())
            : new IOException(text.toString());
    errors.forEach(combined::addSuppressed);
    return combined;
  }
}
