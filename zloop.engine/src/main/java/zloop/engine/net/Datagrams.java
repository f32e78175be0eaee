package zloop.engine.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import zloop.DatagramEndpoint;
import zloop.DatagramOptions;
import zloop.DatagramProtocol;
import zloop.Future;
import zloop.NetSocket;
import zloop.ReceivedDatagram;
import zloop.UnixAddress;
import zloop.engine.Loop;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.task.LoopFuture;

/**
 * Datagram endpoints and the datagram {@code sock*} calls: asyncio's {@code
 * create_datagram_endpoint}, {@code sock_recvfrom}, {@code sock_recvfrom_into} and {@code
 * sock_sendto}. Loop thread only.
 */
public final class Datagrams {
  private final Loop loop;

  public Datagrams(Loop loop) {
    this.loop = loop;
  }

  // ------------------------------------------------------------------ endpoints

  public <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createEndpoint(
      Supplier<P> factory, SocketAddress local, SocketAddress remote, DatagramOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    DatagramOptions opts = options != null ? options : DatagramOptions.DEFAULT;
    SocketAddress localAddress = unixOf(local);
    SocketAddress remoteAddress = unixOf(remote);
    boolean unix = isUnix(localAddress, remoteAddress, opts);
    LoopFuture<DatagramEndpoint<P>> result = new LoopFuture<>(loop);
    Future<SocketAddress> resolvedLocal = resolve(localAddress);
    Future<SocketAddress> resolvedRemote = resolve(remoteAddress);
    loop.gather(List.of(resolvedLocal, resolvedRemote))
        .addDoneCallback(
            done -> {
              if (done.exception() != null) {
                result.tryFail(done.exception());
                return;
              }
              SocketAddress l = resolvedLocal.result();
              SocketAddress r = resolvedRemote.result();
              try {
                StandardProtocolFamily family =
                    unix ? StandardProtocolFamily.UNIX : inetFamily(l, r, opts);
                open(factory, family, l, r, opts, result);
              } catch (IOException | RuntimeException e) {
                result.tryFail(e);
              }
            });
    return result;
  }

  private <P extends DatagramProtocol> void open(
      Supplier<P> factory,
      StandardProtocolFamily family,
      SocketAddress local,
      SocketAddress remote,
      DatagramOptions opts,
      LoopFuture<DatagramEndpoint<P>> result)
      throws IOException {
    UserDatagramSocket socket = open(family);
    try {
      if (opts.reusePort()) {
        socket.handle.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      if (opts.allowBroadcast()) {
        socket.handle.setOption(StandardSocketOptions.SO_BROADCAST, true);
      }
      if (local != null) {
        if (local instanceof UnixAddress u && !u.isAbstract()) {
          Networking.removeStaleSocketFile(u.path()); // asyncio's rule, as for Unix servers
        }
        socket.targets.checkFamily(local);
        socket.handle.bind(local);
      }
      if (remote != null) {
        socket.connect(remote);
      }
      serve(factory, socket, result);
    } catch (IOException | RuntimeException e) {
      socket.handle.close();
      throw e;
    }
  }

  /** {@code createDatagramEndpoint(sock=)}: a transport over the user's own datagram socket. */
  public <P extends DatagramProtocol> Future<DatagramEndpoint<P>> createEndpoint(
      Supplier<P> factory, NetSocket s) {
    Objects.requireNonNull(factory, "protocolFactory");
    UserDatagramSocket socket = UserDatagramSocket.freeOf(loop, s);
    if (!socket.isOpen()) {
      throw new IllegalArgumentException("the socket is closed: " + s);
    }
    if (socket.receiving != null || socket.sending != null) {
      throw new IllegalStateException(
          "a sockRecvFrom or sockSendTo waits on this socket; it cannot be given to a transport");
    }
    LoopFuture<DatagramEndpoint<P>> result = new LoopFuture<>(loop);
    try {
      serve(factory, socket, result);
    } catch (RuntimeException e) {
      result.tryFail(e); // the factory failed: the socket stays the caller's
    }
    return result;
  }

  /** Makes the protocol and the transport that owns {@code socket} from now on. */
  private <P extends DatagramProtocol> void serve(
      Supplier<P> factory, UserDatagramSocket socket, LoopFuture<DatagramEndpoint<P>> result) {
    P protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
    LoopDatagramTransport transport = new LoopDatagramTransport(loop, socket, protocol);
    transport.start(() -> result.tryComplete(new DatagramEndpoint<>(transport, protocol)));
  }

  /** A JDK Unix address as zloop's; anything else as it is. */
  private static SocketAddress unixOf(SocketAddress address) {
    return address instanceof UnixDomainSocketAddress jdk ? UnixAddress.of(jdk.getPath()) : address;
  }

  private static boolean isUnix(SocketAddress local, SocketAddress remote, DatagramOptions opts) {
    Boolean localUnix = kindOf(local);
    Boolean remoteUnix = kindOf(remote);
    if (localUnix != null && remoteUnix != null && !localUnix.equals(remoteUnix)) {
      throw new IllegalArgumentException(
          "local and remote addresses of different kinds: " + local + ", " + remote);
    }
    Boolean unix = localUnix != null ? localUnix : remoteUnix;
    if (unix == null) {
      StandardProtocolFamily family =
          opts.family()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no local or remote address: say which family with"
                              + " DatagramOptions.withFamily"));
      return family == StandardProtocolFamily.UNIX;
    }
    if (opts.family().isPresent() && (opts.family().get() == StandardProtocolFamily.UNIX) != unix) {
      throw new IllegalArgumentException(
          "the family " + opts.family().get() + " does not match the address " + (local != null ? local : remote));
    }
    return unix;
  }

  /** True for a Unix address, false for an IP one, {@code null} for none. */
  private static Boolean kindOf(SocketAddress address) {
    return switch (address) {
      case null -> null;
      case UnixAddress u -> true;
      case InetSocketAddress i -> false;
      default ->
          throw new IllegalArgumentException(
              "unsupported address type " + address.getClass().getName() + ": " + address);
    };
  }

  /** An unresolved IP address through the loop's resolver (its first address); others as they are. */
  private Future<SocketAddress> resolve(SocketAddress address) {
    LoopFuture<SocketAddress> f = new LoopFuture<>(loop);
    if (!(address instanceof InetSocketAddress inet) || !inet.isUnresolved()) {
      f.tryComplete(address);
      return f;
    }
    loop.getAddrInfo(inet.getHostString(), inet.getPort())
        .addDoneCallback(
            done -> {
              if (done.exception() != null) {
                f.tryFail(done.exception());
              } else if (done.result().isEmpty()) {
                f.tryFail(new IOException("no address for " + inet.getHostString()));
              } else {
                f.tryComplete(done.result().get(0));
              }
            });
    return f;
  }

  private static StandardProtocolFamily inetFamily(
      SocketAddress local, SocketAddress remote, DatagramOptions opts) {
    StandardProtocolFamily l = ipFamily(local);
    StandardProtocolFamily r = ipFamily(remote);
    if (l != null && r != null && l != r) {
      throw new IllegalArgumentException(
          "local and remote addresses of different families: " + local + ", " + remote);
    }
    StandardProtocolFamily family = l != null ? l : r;
    if (family == null) {
      return opts.family().orElseThrow();
    }
    return family;
  }

  private static StandardProtocolFamily ipFamily(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet)) {
      return null;
    }
    InetAddress ip = inet.getAddress();
    return ip instanceof java.net.Inet6Address
        ? StandardProtocolFamily.INET6
        : StandardProtocolFamily.INET;
  }

  // ------------------------------------------------------------------ sockets

  /** A new datagram socket of {@code family}, as the user sees it. */
  public UserDatagramSocket open(StandardProtocolFamily family) throws IOException {
    Objects.requireNonNull(family, "family");
    DatagramHandle handle;
    try {
      handle = loop.backend().openDatagramSocket(family);
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException(
          "the " + loop.backendName() + " backend has no " + family + " datagram sockets (" + e.getMessage() + ")",
          e);
    }
    return new UserDatagramSocket(loop, handle, family);
  }

  /** Whether {@code s} is a datagram socket (of any loop): {@code sockConnect} then comes here. */
  public static boolean isDatagramSocket(NetSocket s) {
    return s instanceof UserDatagramSocket;
  }

  /** {@code sockConnect} on a datagram socket: fixes its peer at once (no handshake). */
  public Future<Void> connect(NetSocket s, SocketAddress remote) {
    UserDatagramSocket socket = UserDatagramSocket.freeOf(loop, s);
    LoopFuture<Void> result = new LoopFuture<>(loop);
    try {
      socket.connect(unixOf(remote));
      result.tryComplete(null);
    } catch (IOException e) {
      result.tryFail(e);
    }
    return result;
  }

  public Future<ReceivedDatagram> recvFrom(NetSocket s, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative size: " + maxBytes);
    }
    UserDatagramSocket socket = UserDatagramSocket.freeOf(loop, s);
    ByteBuffer into = ByteBuffer.allocate(maxBytes);
    return receive(socket, into, (n, sender) -> new ReceivedDatagram(into.flip(), sender));
  }

  public Future<ReceivedDatagram> recvFromInto(NetSocket s, ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    if (buffer.isReadOnly()) {
      throw new IllegalArgumentException("read-only buffer");
    }
    UserDatagramSocket socket = UserDatagramSocket.freeOf(loop, s);
    int start = buffer.position();
    return receive(
        socket, buffer, (n, sender) -> new ReceivedDatagram(buffer.slice(start, n), sender));
  }

  private interface Received {
    ReceivedDatagram make(int n, SocketAddress sender);
  }

  private Future<ReceivedDatagram> receive(UserDatagramSocket socket, ByteBuffer into, Received made) {
    if (socket.receiving != null) {
      throw new IllegalStateException("a sockRecvFrom already waits on this socket");
    }
    LoopFuture<ReceivedDatagram> result =
        new LoopFuture<>(loop) {
          @Override
          public void onDone() {
            if (socket.receiving == this) {
              socket.receiving = null; // cancelled: a later receive may wait
            }
          }
        };
    socket.receiving = result;
    Runnable attempt =
        new Runnable() {
          @Override
          public void run() {
            if (result.isDone()) {
              return;
            }
            try {
              int n = socket.handle.receiveNow(into);
              if (n < 0) {
                socket.handle.awaitReadable(this);
                return;
              }
              result.tryComplete(made.make(n, socket.handle.lastSender()));
            } catch (IOException | RuntimeException e) {
              result.tryFail(e);
            }
          }
        };
    attempt.run();
    return result;
  }

  public Future<Integer> sendTo(NetSocket s, ByteBuffer data, SocketAddress address) {
    Objects.requireNonNull(data, "data");
    UserDatagramSocket socket = UserDatagramSocket.freeOf(loop, s);
    SocketAddress target = socket.targets.check(unixOf(address));
    if (socket.sending != null) {
      throw new IllegalStateException("a sockSendTo already waits on this socket");
    }
    int size = data.remaining();
    LoopFuture<Integer> result =
        new LoopFuture<>(loop) {
          @Override
          public void onDone() {
            if (socket.sending == this) {
              socket.sending = null;
            }
          }
        };
    socket.sending = result;
    Runnable attempt =
        new Runnable() {
          @Override
          public void run() {
            if (result.isDone()) {
              return;
            }
            try {
              if (socket.handle.sendNow(data, target)) {
                result.tryComplete(size);
              } else {
                socket.handle.awaitWritable(this);
              }
            } catch (IOException | RuntimeException e) {
              result.tryFail(e);
            }
          }
        };
    attempt.run();
    return result;
  }
}
