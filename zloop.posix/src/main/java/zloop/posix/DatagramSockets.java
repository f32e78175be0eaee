package zloop.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import zloop.engine.spi.Backend;
import zloop.engine.spi.DatagramHandle;

/**
 * One native backend's datagram sockets: opens them ({@link Backend#openDatagramSocket}), shares
 * one {@link DatagramCalls} between them (allocated with the first), and closes those still open
 * when the backend closes. A backend holds one, made when its first datagram socket is opened,
 * and delegates to it; its readiness comes from the backend's {@link Backend#watchFd}.
 *
 * <p>Loop thread only.
 */
public final class DatagramSockets {

  private final Backend backend;
  private final DatagramCalls calls;
  private final Set<PosixDatagram> open = new LinkedHashSet<>();

  /**
   * @param backend the backend whose {@link Backend#watchFd} reports readiness
   * @param arena the backend's arena, which outlives every socket
   * @param errno the backend's capture
   */
  public DatagramSockets(Backend backend, Arena arena, ErrnoCapture errno) {
    this.backend = backend;
    this.calls = new DatagramCalls(arena, errno);
  }

  /** A new non-blocking, close-on-exec datagram socket of {@code family}. */
  public DatagramHandle open(StandardProtocolFamily family) throws IOException {
    int af =
        switch (family) {
          case INET -> Sockets.AF_INET;
          case INET6 -> Sockets.AF_INET6;
          case UNIX -> Sockets.AF_UNIX;
        };
    int fd =
        (int)
            Errno.check(
                "socket", Sockets.socket(af, DatagramCalls.SOCK_DGRAM, calls.errno()));
    PosixDatagram socket = new PosixDatagram(this, backend, calls, fd, af);
    open.add(socket);
    return socket;
  }

  /** The calls and memory these sockets share (io_uring decodes its senders with them). */
  public DatagramCalls calls() {
    return calls;
  }

  void forget(PosixDatagram socket) {
    open.remove(socket);
  }

  /** The backend is closing: closes every socket still open, reporting nothing. */
  public void closeAll() {
    for (PosixDatagram s : new ArrayList<>(open)) {
      s.closeWithBackend();
    }
    open.clear();
  }
}
