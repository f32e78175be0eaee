package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import zloop.engine.spi.SendFile;
import zloop.engine.spi.SocketKind;

/**
 * The part of a native socket every backend shares: its descriptor and family, whether it is open,
 * connected or listening, its addresses, and the calls that are not reads or writes (bind, listen,
 * connect's address, shutdown, options, sendfile, close). A backend's socket holds one and
 * delegates to it, keeping only how it schedules reads and writes (readiness or the ring).
 *
 * <p><b>Addresses, one rule:</b> the local address is asked of the kernel until the socket is
 * connected or listening, then fixed (a wildcard bind learns its address on connect); an unbound
 * TCP socket's is {@code null}. The remote address is fixed once the kernel names it: at accept
 * time (the backend passes what its accept learned), or by the first {@code getpeername} after the
 * connect succeeded; an unnamed Unix peer is known as {@code null}. Before that it is {@code null}
 * and nothing is cached, as after a {@code getpeername} that failed ({@code ENOTCONN}: the
 * connection is already gone). After {@link #markClosed} both answer from what was cached.
 *
 * <p>Loop thread only; every call goes through the loop's {@link SocketCalls}.
 */
public final class PosixSocket {

  private final SocketCalls calls;
  private final int fd;
  private final int family;

  private boolean open = true;
  private boolean connected;
  private boolean listening;
  private boolean remoteKnown;
  private SocketAddress local;
  private SocketAddress remote;

  private PosixSocket(SocketCalls calls, int fd, int family) {
    this.calls = calls;
    this.fd = fd;
    this.family = family;
  }

  /** Opens a non-blocking, close-on-exec stream socket of {@code kind}. */
  public static PosixSocket open(SocketCalls calls, SocketKind kind) throws IOException {
    int family = SocketCalls.family(kind);
    return new PosixSocket(calls, calls.socket(family), family);
  }

  /**
   * Wraps a descriptor an accept returned, connected to {@code peer}: what the accept learned of the
   * peer's address ({@code null} if nothing, or an unnamed Unix peer), known from now on.
   */
  public static PosixSocket accepted(SocketCalls calls, int fd, int family, SocketAddress peer) {
    PosixSocket s = new PosixSocket(calls, fd, family);
    s.connected = true;
    s.remote = peer;
    s.remoteKnown = true;
    return s;
  }

  /**
   * Wraps a descriptor made outside the loop, which {@link ForeignSocket#prepare} checked and made
   * non-blocking: listening, connected (its peer's address asked for once, then kept) or neither.
   */
  public static PosixSocket adopted(SocketCalls calls, int fd, ForeignSocket foreign) {
    PosixSocket s = new PosixSocket(calls, fd, foreign.domain());
    s.listening = foreign.listening();
    s.connected = foreign.connected();
    return s;
  }

  public int fd() {
    return fd;
  }

  /** The address family ({@link Sockets#AF_INET}, ...), for what this socket accepts. */
  public int family() {
    return family;
  }

  public boolean isOpen() {
    return open;
  }

  public void requireOpen() throws SocketException {
    if (!open) {
      throw new SocketException("Socket is closed");
    }
  }

  // ------------------------------------------------------------------ connecting

  /** {@code connect}: {@code 0}, {@code -EINPROGRESS}, or another {@code -errno}. */
  public int connect(SocketAddress remote) throws IOException {
    requireOpen();
    int length = calls.addresses().encode(remote, family);
    return Sockets.connect(fd, calls.addresses().storage(), length, calls.errno());
  }

  /**
   * {@code remote} as this socket's family's {@code sockaddr} bytes, for a connect submitted later
   * (the codec's storage is shared by the loop's sockets, so it cannot hold the address till then).
   */
  public byte[] encode(SocketAddress remote) throws IOException {
    requireOpen();
    int length = calls.addresses().encode(remote, family);
    return calls.addresses().storage().asSlice(0, length).toArray(JAVA_BYTE);
  }

  /** The connect succeeded: from now on the peer's address is asked for once, then kept. */
  public void markConnected() {
    connected = true;
  }

  /**
   * The outcome of a non-blocking connect ({@code SO_ERROR}): {@code 0}, a positive errno, or
   * {@code -errno} if it could not be read.
   */
  public int pendingError() {
    return calls.options().pendingError(fd);
  }

  // ------------------------------------------------------------------ listening

  public void bind(SocketAddress localAddress) throws IOException {
    requireOpen();
    int length = calls.addresses().encode(localAddress, family);
    Errno.check("bind", Sockets.bind(fd, calls.addresses().storage(), length, calls.errno()));
  }

  public void listen(int backlog) throws IOException {
    requireOpen();
    Errno.check("listen", Sockets.listen(fd, backlog, calls.errno()));
    listening = true;
  }

  // ------------------------------------------------------------------ writing

  public void shutdownOutput() throws IOException {
    requireOpen();
    Errno.check("shutdown", Sockets.shutdown(fd, Sockets.SHUT_WR, calls.errno()));
  }

  /**
   * {@code sendfile(2)} of up to {@code count} bytes of {@code file} from {@code position}: the
   * bytes sent, or 0 if the socket is full ({@code EAGAIN}).
   *
   * @throws EOFException if the file ends at or before {@code position} (the kernel's 0 would read
   *     as "socket full", and the caller would wait for writability forever)
   * @throws IllegalArgumentException if {@code file} was not opened by {@link
   *     SocketCalls#openFile}
   * @throws IOException if the connection failed
   */
  public long sendfile(SendFile file, long position, long count) throws IOException {
    requireOpen();
    if (!(file instanceof PosixFile f)) {
      throw new IllegalArgumentException("not a file this backend opened: " + file);
    }
    f.requireOpen();
    if (count <= 0) {
      return 0;
    }
    long n = calls.sendfile(fd, f.fd(), position, count);
    if (n > 0) {
      return n;
    }
    if (n == -Errno.EAGAIN) {
      return 0;
    }
    if (n == 0) {
      throw new EOFException("sendfile: " + f.path() + " ends at or before position " + position);
    }
    throw Errno.exception("sendfile", (int) -n);
  }

  // ------------------------------------------------------------------ addresses and options

  /** The local address, under the rule of the class comment. */
  public SocketAddress localAddress() {
    if (local != null || !open) {
      return local;
    }
    SockAddr codec = calls.addresses();
    if (Sockets.getsockname(fd, codec.storage(), codec.capacityLength(), calls.errno()) < 0) {
      return null;
    }
    SocketAddress address = codec.decode();
    if (address instanceof InetSocketAddress inet && inet.getPort() == 0) {
      return null; // not bound yet
    }
    if (connected || listening) {
      local = address; // fixed from now on
    }
    return address;
  }

  /** The remote address, under the rule of the class comment. */
  public SocketAddress remoteAddress() {
    if (remoteKnown || !open || !connected) {
      return remote;
    }
    SockAddr codec = calls.addresses();
    if (Sockets.getpeername(fd, codec.storage(), codec.capacityLength(), calls.errno()) < 0) {
      return null; // ENOTCONN: the connection is already gone
    }
    remote = codec.decode(); // null for an unnamed Unix peer, known as such
    remoteKnown = true;
    return remote;
  }

  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    requireOpen();
    calls.options().set(fd, option, value);
  }

  public <T> T getOption(SocketOption<T> option) throws IOException {
    requireOpen();
    return calls.options().get(fd, option);
  }

  // ------------------------------------------------------------------ closing

  /**
   * Marks the socket closed, before the backend takes it out of its tables: {@link #requireOpen}
   * throws and the addresses answer from cache from now on. Returns false if it already was.
   */
  public boolean markClosed() {
    boolean was = open;
    open = false;
    return was;
  }

  /** Closes the descriptor once {@link #markClosed marked}: {@code 0} or {@code -errno}. */
  public int closeDescriptor() {
    if (open) {
      throw new IllegalStateException("markClosed first");
    }
    return Libc.close(fd, calls.errno());
  }

  @Override
  public String toString() {
    return "PosixSocket[fd=" + fd + (open ? "" : ", closed") + "]";
  }
}
