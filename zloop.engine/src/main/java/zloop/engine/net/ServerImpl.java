package zloop.engine.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import zloop.BaseProtocol;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.engine.CallbackGuard;
import zloop.engine.Loop;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.task.LoopFuture;

/**
 * asyncio's {@code Server}: listening sockets, the connections they accepted, and the waiters for
 * the end. Loop thread only.
 */
final class ServerImpl implements Server {
  /** How long accepting pauses after the process ran out of descriptors (asyncio: 1 s). */
  static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

  private final Loop loop;
  private final Supplier<? extends BaseProtocol> factory;
  /** The listening sockets, each owned by this server: also what {@link #sockets()} lists. */
  private List<UserSocket> listeners;
  private final Path unixPathToRemove;
  private final Set<StreamTransport> active = new LinkedHashSet<>();
  private final List<LoopFuture<Void>> closeWaiters = new ArrayList<>();
  private boolean serving;
  private boolean closed;
  private LoopFuture<Void> serveForever;

  ServerImpl(
      Loop loop,
      Supplier<? extends BaseProtocol> factory,
      List<UserSocket> listeners,
      Path unixPathToRemove) {
    this.loop = loop;
    this.factory = factory;
    this.listeners = List.copyOf(listeners);
    this.unixPathToRemove = unixPathToRemove;
    for (UserSocket l : this.listeners) {
      l.ownedBy(this);
    }
  }

  @Override
  public EventLoop loop() {
    return loop;
  }

  @Override
  public boolean isServing() {
    return serving && !closed;
  }

  @Override
  public Future<Void> startServing() {
    loop.checkThread();
    startAccepting();
    LoopFuture<Void> f = new LoopFuture<>(loop);
    f.tryComplete(null);
    return f;
  }

  private void startAccepting() {
    if (serving || closed) {
      return;
    }
    serving = true;
    for (UserSocket l : listeners) {
      l.handle.startAccepting(new Acceptor(l));
    }
  }

  @Override
  public Future<Void> serveForever() {
    loop.checkThread();
    if (serveForever != null) {
      throw new IllegalStateException("server is already being awaited on serveForever()");
    }
    if (closed) {
      throw new IllegalStateException("server is closed");
    }
    startAccepting();
    serveForever = new LoopFuture<>(loop);
    serveForever.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            close();
          }
        });
    return serveForever;
  }

  @Override
  public void close() {
    loop.checkThread();
    if (closed) {
      return;
    }
    closed = true;
    serving = false;
    for (UserSocket l : listeners) {
      l.handle.stopAccepting();
      l.handle.close();
    }
    listeners = List.of();
    if (unixPathToRemove != null) {
      try {
        Files.deleteIfExists(unixPathToRemove);
      } catch (IOException e) {
        // asyncio's cleanup is best effort too: a stale socket file is removed on the next bind
      }
    }
    if (serveForever != null) {
      serveForever.tryComplete(null);
    }
    wakeWaitersIfDone();
  }

  @Override
  public Future<Void> waitClosed() {
    LoopFuture<Void> f = new LoopFuture<>(loop);
    if (closed && active.isEmpty()) {
      f.tryComplete(null);
    } else {
      closeWaiters.add(f);
    }
    return f;
  }

  @Override
  public List<NetSocket> sockets() {
    return List.copyOf(listeners); // immutable already: the same list, the owned wrappers
  }

  @Override
  public void closeClients() {
    loop.checkThread();
    for (StreamTransport t : List.copyOf(active)) {
      t.close();
    }
  }

  @Override
  public void abortClients() {
    loop.checkThread();
    for (StreamTransport t : List.copyOf(active)) {
      t.abort();
    }
  }

  void detach(StreamTransport t) {
    active.remove(t);
    wakeWaitersIfDone();
  }

  private void wakeWaitersIfDone() {
    if (closed && active.isEmpty() && !closeWaiters.isEmpty()) {
      for (LoopFuture<Void> w : closeWaiters) {
        w.tryComplete(null);
      }
      closeWaiters.clear();
    }
  }

  /** Receives one listener's connections. */
  private final class Acceptor implements AcceptHandler {
    private final UserSocket exposed;
    private final SocketHandle listener;

    Acceptor(UserSocket exposed) {
      this.exposed = exposed;
      this.listener = exposed.handle;
    }

    @Override
    public void onAccept(SocketHandle accepted) {
      if (closed) {
        accepted.close();
        return;
      }
      BaseProtocol protocol;
      StreamTransport transport;
      try {
        protocol = factory.get();
        transport = new StreamTransport(loop, accepted, protocol, ServerImpl.this);
      } catch (Throwable t) { // the user's factory: the loop's guard rule (CallbackGuard)
        accepted.close();
        loop.callExceptionHandler(
            new ExceptionContext(
                "Error on transport creation for incoming connection",
                CallbackGuard.survivable(t),
                null,
                null,
                null,
                null));
        return;
      }
      active.add(transport);
      transport.start(null);
    }

    @Override
    public void onAcceptError(IOException failure, boolean resourceExhausted) {
      loop.callExceptionHandler(
          new ExceptionContext(
              resourceExhausted
                  ? "accept() out of system resource; accepting again in "
                      + ACCEPT_RETRY_DELAY.toMillis()
                      + " ms"
                  : "Error on accept()",
              failure,
              null,
              null,
              exposed,
              null));
      if (resourceExhausted) {
        listener.stopAccepting();
        loop.callLater(
            ACCEPT_RETRY_DELAY,
            () -> {
              if (serving && !closed && listener.isOpen()) {
                listener.startAccepting(this);
              }
            });
      }
    }
  }

  @Override
  public String toString() {
    return "Server" + listeners.stream().map(l -> l.handle.localAddress()).toList();
  }
}
