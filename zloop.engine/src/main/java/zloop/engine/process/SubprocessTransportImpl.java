package zloop.engine.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.OptionalInt;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.SubprocessProtocol;
import zloop.SubprocessTransport;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.LoopHandle;
import zloop.engine.net.Pipes;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.SocketHandle;
import zloop.engine.task.LoopFuture;

/**
 * A child process and its pipe transports: asyncio's {@code BaseSubprocessTransport}.
 *
 * <p>Order: the pipe transports start first (their {@code connectionMade} runs on the next turn);
 * the user's {@code connectionMade} runs right after them, and what happened before it (an exit
 * the backend reported in that turn's poll) is held and delivered after it, as asyncio's {@code
 * _pending_calls}. {@code connectionLost} is scheduled once the child exited and every pipe
 * transport is lost.
 *
 * <p>Close kills a child still running ({@code SIGKILL}, asyncio's rule since 3.11) but keeps
 * listening for its exit, so {@code processExited} and {@code connectionLost} still come and the
 * child is reaped. Loop thread only.
 */
final class SubprocessTransportImpl implements SubprocessTransport {
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  private final Loop loop;
  private final ChildHandle child;
  private final SubprocessProtocol protocol;
  private final Transport[] pipes = new Transport[3];
  private final PipeProtocol[] pipeProtocols = new PipeProtocol[3];
  private final LoopFuture<Integer> exited;
  /** Calls held until {@code connectionMade} ran; {@code null} from then on. */
  private ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private Integer returnCode;
  private boolean closing;
  private boolean finished;
  private boolean lost;

  SubprocessTransportImpl(Loop loop, ChildHandle child, SubprocessProtocol protocol) {
    this.loop = loop;
    this.child = child;
    this.protocol = protocol;
    this.exited = new LoopFuture<>(loop);
  }

  /** Starts the pipes and the exit watch; {@code onConnected} runs after {@code connectionMade}. */
  void start(Runnable onConnected) {
    for (int fd = 0; fd < 3; fd++) {
      SocketHandle pipe = child.pipe(fd);
      if (pipe != null) {
        pipeProtocols[fd] = new PipeProtocol(this, fd);
        pipes[fd] = Pipes.open(loop, pipe, pipeProtocols[fd], null);
      }
    }
    child.onExit(this::processExited);
    loop.scheduleInternal(
        new LoopHandle(
            () -> {
              callUser("connectionMade", () -> protocol.connectionMade(this));
              ArrayDeque<Runnable> held = pending;
              pending = null;
              for (Runnable r : held) {
                r.run();
              }
              onConnected.run();
            }));
  }

  // ------------------------------------------------------------------ events

  void pipeDataReceived(int fd, ByteBuffer data) {
    // Pipes read only after their connectionMade, which runs before ours in the same turn.
    protocol.pipeDataReceived(fd, data);
  }

  void pipeConnectionLost(int fd, Throwable exception) {
    call(() -> callUser("pipeConnectionLost", () -> protocol.pipeConnectionLost(fd, exception)));
    tryFinish();
  }

  void pauseWriting() {
    callUser("pauseWriting", protocol::pauseWriting);
  }

  void resumeWriting() {
    callUser("resumeWriting", protocol::resumeWriting);
  }

  private void processExited(int code) {
    returnCode = code;
    exited.tryComplete(code);
    call(() -> callUser("processExited", protocol::processExited));
    tryFinish();
  }

  private void call(Runnable r) {
    if (pending != null) {
      pending.add(r);
    } else {
      r.run();
    }
  }

  private void tryFinish() {
    if (finished || returnCode == null) {
      return;
    }
    for (PipeProtocol p : pipeProtocols) {
      if (p != null && !p.isLost()) {
        return;
      }
    }
    finished = true;
    call(
        () ->
            loop.scheduleInternal(
                new LoopHandle(
                    () -> {
                      lost = true;
                      child.close();
                      callUser("connectionLost", () -> protocol.connectionLost(null));
                    })));
  }

  /** A protocol method that throws is reported, and the child goes on (asyncio's call_soon). */
  private void callUser(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      loop.callExceptionHandler(
          new ExceptionContext(
              "Exception in SubprocessProtocol." + what, e, null, null, this, protocol));
    }
  }

  // ------------------------------------------------------------------ the API

  @Override
  public long pid() {
    return child.pid();
  }

  @Override
  public OptionalInt returnCode() {
    return returnCode == null ? OptionalInt.empty() : OptionalInt.of(returnCode);
  }

  /** A future of its own per caller, so cancelling one wait cancels no other (CPython #23140). */
  @Override
  public Future<Integer> exited() {
    LoopFuture<Integer> waiter = new LoopFuture<>(loop);
    exited.addDoneCallback(f -> waiter.tryComplete(f.result()));
    return waiter;
  }

  @Override
  public Transport getPipeTransport(int fd) {
    return fd >= 0 && fd < 3 ? pipes[fd] : null;
  }

  @Override
  public void sendSignal(int signal) {
    loop.checkThread();
    if (lost) {
      throw new IllegalStateException("process " + child.pid() + " is gone (connectionLost ran)");
    }
    try {
      child.sendSignal(signal);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public void terminate() {
    sendSignal(SIGTERM);
  }

  @Override
  public void kill() {
    sendSignal(SIGKILL);
  }

  @Override
  public void close() {
    loop.checkThread();
    if (closing) {
      return;
    }
    closing = true;
    for (Transport t : pipes) {
      if (t != null) {
        t.close();
      }
    }
    if (returnCode == null && !lost) {
      try {
        child.sendSignal(SIGKILL);
      } catch (IOException e) {
        loop.callExceptionHandler(
            new ExceptionContext("killing process " + child.pid() + " failed", e, null, null, null, null));
      }
    }
  }

  @Override
  public boolean isClosing() {
    return closing;
  }

  @Override
  public SubprocessProtocol getProtocol() {
    return protocol;
  }

  @Override
  public String toString() {
    return "SubprocessTransport[pid="
        + child.pid()
        + (returnCode != null ? ", returncode=" + returnCode : ", running")
        + (closing ? ", closing" : "")
        + "]";
  }
}
