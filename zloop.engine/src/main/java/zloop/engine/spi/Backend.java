package zloop.engine.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One loop's I/O backend: the part of the loop that talks to the kernel.
 *
 * <p>Thread rules: {@link #poll} and {@link #close} are called only on the loop thread; {@link
 * #wakeup} may be called from any thread. Objects the backend passes to the engine during {@link
 * #poll} are valid only during that call.
 *
 * <p>The engine tells the backend only how long it may block; the backend flushes any queued
 * submissions (a completion backend batches them into the wait), waits, and dispatches what
 * completed before returning.
 */
public interface Backend extends AutoCloseable {

  /**
   * Submits what is queued, waits for I/O, and dispatches the events that arrived.
   *
   * @param timeoutNanos how long to wait at most: {@code 0} means do not block, a negative value
   *     means wait until an event or a {@link #wakeup}
   *     <p>It may return before the timeout with nothing dispatched (a signal interrupted the
   *     wait); the engine recomputes its deadlines every turn, so that is harmless.
   * @return the number of events dispatched, wake-ups included
   * @throws IOException if the backend itself failed (not a single file descriptor's error)
   */
  int poll(long timeoutNanos) throws IOException;

  /**
   * Whether operations are queued that reach the kernel only when this backend is polled (io_uring
   * submits its queue in {@link #poll}). A busy loop, which polls only once per interval, then
   * polls on its next turn anyway: a close or a send one callback queued is in the kernel before
   * the next callbacks run, as when every turn polled (a listener closed by {@code Server.close()}
   * must refuse the connect a later callback makes). Asked once per busy turn: keep it cheap.
   *
   * @return {@code true} if the next poll has queued work to hand to the kernel
   */
  default boolean hasQueuedSubmissions() {
    return false;
  }

  /**
   * Makes a {@link #poll} in progress return promptly, or the next one if none is in progress.
   * Any thread. The engine coalesces calls, so this is not on any hot path, but it must never
   * block, and a call that races with or follows {@link #close()} must be a harmless no-op (it
   * must never write to a descriptor number the kernel has since reused).
   */
  void wakeup();

  /**
   * Opens a non-blocking, close-on-exec socket.
   *
   * @throws UnsupportedOperationException if the backend has no sockets of that kind (the
   *     message says why, e.g. "abstract Unix names need Linux")
   */
  default SocketHandle openSocket(SocketKind kind) throws IOException {
    throw new UnsupportedOperationException("this backend has no sockets");
  }

  /**
   * Takes over a socket descriptor made outside the loop ({@code EventLoop.adoptSocket}): checks
   * that it is a stream socket of a family the backend serves, makes it non-blocking and
   * close-on-exec, and wraps it, in whichever state it is (unbound, bound, listening, connected).
   * From then on the handle owns the descriptor: closing the handle closes it.
   *
   * @throws UnsupportedOperationException on a backend without file descriptors
   * @throws IllegalArgumentException if {@code fd} is not an open stream socket of such a family
   */
  default SocketHandle adoptSocket(int fd) throws IOException {
    throw new UnsupportedOperationException("this backend has no file descriptors to adopt");
  }

  /**
   * Opens {@code file} for one {@code loop.sendfile} call: the engine opens it once, passes it to
   * every {@link SocketHandle#sendfileNow} of that call, and closes it when the call ends. The
   * default is a {@link ChannelSendFile}; a native backend opens a descriptor it can {@code
   * sendfile(2)} from.
   *
   * @throws IOException if the file cannot be opened for reading
   */
  default SendFile openFileForSending(Path file) throws IOException {
    return ChannelSendFile.open(file);
  }

  /** Readiness interest bits for {@link #watchFd}. */
  int READABLE = 1;

  /** Readiness interest bits for {@link #watchFd}. */
  int WRITABLE = 2;

  /**
   * Watches a raw file descriptor the loop does not own ({@code addReader}/{@code addWriter}):
   * the handler is called from {@link #poll} with the ready bits while {@code interest} (a mix of
   * {@link #READABLE} and {@link #WRITABLE}) holds; {@code interest} 0 stops watching.
   *
   * @throws UnsupportedOperationException on a backend without file descriptors
   * @throws IllegalArgumentException if the descriptor cannot be watched (closed, not pollable)
   */
  default void watchFd(int fd, int interest, FdHandler handler) {
    throw new UnsupportedOperationException("this backend cannot watch file descriptors");
  }

  /** Receives readiness of a watched descriptor. */
  @FunctionalInterface
  interface FdHandler {
    void onReady(int fd, int readyBits);
  }

  /** Releases every kernel resource the backend holds. Loop thread; idempotent. */
  @Override
  void close();

  // ---- pipes and child processes (loop.subprocessExec, connectReadPipe/connectWritePipe) ----

  /**
   * Wraps one end of a pipe (or a FIFO, or a character device that polls) as a stream handle: the
   * engine runs its ordinary stream transport over it, so flow control, close and {@code
   * connectionLost} are those of sockets. The backend makes it non-blocking and close-on-exec and
   * owns it from then on (closing the handle closes it). A read end only reads; a write end only
   * writes ({@code shutdownOutput} closes it) and reports a reader that went away (the kernel's
   * {@code EPOLLERR}) as a broken pipe even while nothing is being written.
   *
   * @param fd the descriptor
   * @param forWriting whether it is the write end
   * @return the handle
   * @throws IOException if the descriptor is not open or cannot be made non-blocking
   * @throws UnsupportedOperationException on a backend without file descriptors (the message says
   *     which backend and what to use instead)
   */
  default SocketHandle openPipe(int fd, boolean forWriting) throws IOException {
    throw new UnsupportedOperationException("this backend has no pipe transports");
  }

  /**
   * Starts a child process, safely for a multi-threaded JVM ({@code posix_spawn}, never a {@code
   * fork()} from Java): descriptors 0-2 as the request says, and no other descriptor of this
   * process. Its exit is reported through {@link ChildHandle#onExit} without a thread per child.
   *
   * @param request the resolved program, arguments, environment, directory and descriptors
   * @return the running child
   * @throws IOException if the child could not be started ({@code posix_spawn}'s error, e.g. a
   *     program that is not executable)
   * @throws UnsupportedOperationException if this backend cannot (the engine then uses the JDK's
   *     {@code ProcessBuilder})
   */
  default ChildHandle spawn(SpawnRequest request) throws IOException {
    throw new UnsupportedOperationException("this backend cannot spawn processes");
  }

  /**
   * Opens a non-blocking, close-on-exec datagram socket: UDP for {@code INET} and {@code INET6},
   * a Unix datagram socket for {@code UNIX}. The backend closes those still open when it closes.
   *
   * @throws UnsupportedOperationException if the backend has no datagram sockets of that family
   *     (the message says why)
   */
  default DatagramHandle openDatagramSocket(java.net.StandardProtocolFamily family)
      throws IOException {
    throw new UnsupportedOperationException("this backend has no datagram sockets");
  }
}
