package zloop.engine.net;

import java.util.Arrays;

/**
 * The transports of a loop by file descriptor (stream and datagram ones) (asyncio's {@code _transports}): so that
 * {@code addReader} and its kin refuse a descriptor a transport owns, and so that a failing or
 * slow I/O event can name the transport and protocol it was for. An array indexed by descriptor:
 * no boxing, nothing allocated per connection once it has grown to the highest descriptor.
 *
 * <p>Loop thread only. Descriptors below 0 (a backend without them, nio) are not kept.
 */
public final class TransportsByFd {
  /** A {@link StreamTransport} or a datagram transport per descriptor. */
  private Object[] byFd = new Object[64];

  void add(int fd, Object transport) {
    if (fd < 0) {
      return;
    }
    if (fd >= byFd.length) {
      byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
    }
    byFd[fd] = transport;
  }

  /** Forgets {@code transport}, if it still holds {@code fd} (the number may be reused since). */
  void remove(int fd, Object transport) {
    if (fd >= 0 && fd < byFd.length && byFd[fd] == transport) {
      byFd[fd] = null;
    }
  }

  /** The stream transport that owns {@code fd}, or {@code null}. */
  public StreamTransport get(int fd) {
    return owner(fd) instanceof StreamTransport t ? t : null;
  }

  /** The transport (stream or datagram) that owns {@code fd}, or {@code null}. */
  Object owner(int fd) {
    return fd >= 0 && fd < byFd.length ? byFd[fd] : null;
  }

  void clear() {
    Arrays.fill(byFd, null);
  }
}
