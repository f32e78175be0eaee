package zloop.engine.net;

import zloop.Side;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import zloop.BaseProtocol;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.ServerOptions;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.UnixAddress;
import zloop.ZloopSocketOptions;
import zloop.engine.CallbackGuard;
import zloop.engine.Loop;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SocketKind;
import zloop.engine.task.LoopFuture;
import zloop.spi.TlsProvider;

/** Servers and client connections: {@code createServer}, {@code createConnection} and kin. */
public final class Networking {
  private final Loop loop;

  public Networking(Loop loop) {
    this.loop = loop;
  }

  // ------------------------------------------------------------------ servers

  public Future<Server> createServer(
      Supplier<? extends BaseProtocol> factory, List<String> hosts, int port, ServerOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    ServerOptions opts = options != null ? options : ServerOptions.DEFAULT;
    checkPort(port);
    Supplier<? extends BaseProtocol> served = tlsServed(factory, opts.tls());
    LoopFuture<Server> result = new LoopFuture<>(loop);
    List<Future<List<InetSocketAddress>>> lookups = new ArrayList<>();
    for (String host : hosts) {
      lookups.add(resolveForListening(host, port));
    }
    loop.gather(lookups)
        .addDoneCallback(
            done -> {
              if (done.exception() != null) {
                result.tryFail(done.exception());
                return;
              }
              Set<InetSocketAddress> addresses = new LinkedHashSet<>();
              done.result().forEach(addresses::addAll);
              try {
                result.tryComplete(serve(served, exposed(listenAll(addresses, opts)), null, opts));
              } catch (IOException | RuntimeException e) {
                result.tryFail(e);
              }
            });
    return result;
  }

  /**
   * asyncio's {@code create_server(sock=)}: the server takes the user's socket (and refuses one a
   * transport or another server owns) and makes it listen with the options' backlog.
   */
  public Future<Server> createServer(
      Supplier<? extends BaseProtocol> factory, NetSocket socket, ServerOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(socket, "socket");
    ServerOptions opts = options != null ? options : ServerOptions.DEFAULT;
    UserSocket given = UserSocket.freeOf(loop, socket);
    Supplier<? extends BaseProtocol> served = tlsServed(factory, opts.tls());
    LoopFuture<Server> result = new LoopFuture<>(loop);
    try {
      given.handle.listen(opts.backlog()); // asyncio listens again too: a listener keeps listening
      result.tryComplete(serve(served, List.of(given), null, opts));
    } catch (IOException | RuntimeException e) {
      result.tryFail(e); // the socket stays the caller's, as it was
    }
    return result;
  }

  /** A server on listening sockets, serving at once unless the options say not to. */
  private ServerImpl serve(
      Supplier<? extends BaseProtocol> served,
      List<UserSocket> listeners,
      Path socketFile,
      ServerOptions opts) {
    ServerImpl server = new ServerImpl(loop, served, listeners, socketFile);
    if (opts.startServing()) {
      server.startServing();
    }
    return server;
  }

  private List<UserSocket> exposed(List<SocketHandle> listeners) {
    List<UserSocket> out = new ArrayList<>(listeners.size());
    for (SocketHandle h : listeners) {
      out.add(new UserSocket(loop, h));
    }
    return out;
  }

  /** {@code null} or "" means every interface: the IPv4 and the IPv6 wildcard. */
  private Future<List<InetSocketAddress>> resolveForListening(String host, int port) {
    if (host == null || host.isEmpty()) {
      LoopFuture<List<InetSocketAddress>> f = new LoopFuture<>(loop);
      f.tryComplete(List.of(new InetSocketAddress("0.0.0.0", port), new InetSocketAddress("::", port)));
      return f;
    }
    return loop.getAddrInfo(host, port);
  }

  private List<SocketHandle> listenAll(Set<InetSocketAddress> addresses, ServerOptions opts)
      throws IOException {
    List<SocketHandle> open = new ArrayList<>();
    int sharedPort = -1;
    boolean dualStackWildcard = false;
    try {
      for (InetSocketAddress requested : wildcardV6First(addresses)) {
        if (dualStackWildcard && requested.getAddress().isAnyLocalAddress()) {
          continue; // the dual-stack "::" listener already takes IPv4 connections
        }
        InetSocketAddress address = requested;
        if (requested.getPort() == 0 && sharedPort > 0) {
          address = new InetSocketAddress(requested.getAddress(), sharedPort);
        }
        Listener l;
        try {
          l = listenOn(address, opts);
        } catch (BindException e) {
          if (address == requested) {
            throw e;
          }
          l = listenOn(requested, opts); // the shared port is taken on this address: any port
        }
        open.add(l.socket());
        dualStackWildcard |= l.dualStack() && requested.getAddress().isAnyLocalAddress();
        if (sharedPort < 0 && l.socket().localAddress() instanceof InetSocketAddress bound) {
          sharedPort = bound.getPort();
        }
      }
      return open;
    } catch (IOException | RuntimeException e) {
      open.forEach(SocketHandle::close);
      throw e;
    }
  }

  /** The IPv6 wildcard first: if it turns out dual-stack, the IPv4 wildcard is not needed. */
  private static List<InetSocketAddress> wildcardV6First(Set<InetSocketAddress> addresses) {
    List<InetSocketAddress> out = new ArrayList<>(addresses);
    out.sort(
        java.util.Comparator.comparingInt(
            a -> a.getAddress().isAnyLocalAddress() && a.getAddress() instanceof Inet6Address ? 0 : 1));
    return out;
  }

  private record Listener(SocketHandle socket, boolean dualStack) {}

  private Listener listenOn(InetSocketAddress address, ServerOptions opts) throws IOException {
    boolean v6 = address.getAddress() instanceof Inet6Address;
    SocketHandle s = loop.backend().openSocket(v6 ? SocketKind.TCP6 : SocketKind.TCP4);
    boolean dualStack = false;
    try {
      if (opts.reuseAddress()) {
        s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      }
      if (opts.reusePort()) {
        s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      if (v6) {
        // Keep IPv6 listeners off IPv4, so "::" and "0.0.0.0" can share a port (asyncio does too).
        try {
          s.setOption(ZloopSocketOptions.IPV6_V6ONLY, true);
        } catch (UnsupportedOperationException e) {
          dualStack = true; // nio cannot: its "::" listener takes IPv4 connections as well
        }
      }
      try {
        s.bind(address);
        s.listen(opts.backlog()); // some backends bind only now (nio)
      } catch (BindException e) {
        throw bindFailure(address, e);
      }
      return new Listener(s, dualStack);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static BindException bindFailure(SocketAddress address, BindException e) {
    BindException clearer =
        new BindException("error while attempting to bind on address " + address + ": " + e.getMessage());
    clearer.initCause(e);
    return clearer;
  }

  public Future<Server> createUnixServer(
      Supplier<? extends BaseProtocol> factory, UnixAddress address, ServerOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(address, "address");
    ServerOptions opts = options != null ? options : ServerOptions.DEFAULT;
    Supplier<? extends BaseProtocol> served = tlsServed(factory, opts.tls());
    LoopFuture<Server> result = new LoopFuture<>(loop);
    SocketHandle s = null;
    try {
      if (!address.isAbstract()) {
        removeStaleSocketFile(address.path());
      }
      s = loop.backend().openSocket(SocketKind.UNIX);
      try {
        s.bind(address);
        s.listen(opts.backlog());
      } catch (BindException e) {
        throw bindFailure(address, e);
      }
      Path socketFile = address.isAbstract() ? null : address.path();
      result.tryComplete(serve(served, List.of(new UserSocket(loop, s)), socketFile, opts));
    } catch (IOException | RuntimeException e) {
      if (s != null) {
        s.close();
      }
      result.tryFail(e);
    }
    return result;
  }

  /** asyncio removes a leftover socket file before binding; anything else at the path stays. */
  static void removeStaleSocketFile(Path path) throws IOException {
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes attrs =
          Files.readAttributes(path, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (attrs.isOther()) {
        Files.delete(path);
      }
    }
  }

  // ------------------------------------------------------------------ clients

  public <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> factory, String host, int port, ConnectOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(host, "host");
    checkPort(port);
    ConnectOptions opts = options != null ? options : ConnectOptions.DEFAULT;
    TlsClient tls = tlsClient(opts.tls(), host); // asyncio: server_hostname defaults to host
    LoopFuture<Connection<P>> result = new LoopFuture<>(loop);
    loop.getAddrInfo(host, port)
        .addDoneCallback(
            resolved -> {
              if (result.isDone()) {
                return;
              }
              if (resolved.exception() != null) {
                result.tryFail(resolved.exception());
                return;
              }
              List<InetSocketAddress> addresses = resolved.result();
              if (addresses.isEmpty()) {
                result.tryFail(new java.net.UnknownHostException("getaddrinfo() returned empty list for " + host));
                return;
              }
              int interleave = opts.interleave();
              if (opts.happyEyeballsDelay().isPresent() && interleave == 0) {
                interleave = 1;
              }
              List<SocketAddress> ordered = new ArrayList<>(interleave(addresses, interleave));
              dialThenWrap(ordered, opts, factory, result, tls);
            });
    return result;
  }

  /**
   * asyncio's {@code create_connection(sock=)}: a transport over the user's connected socket.
   * Only the TLS options apply; dialing options are refused (asyncio: "host/port and sock can not
   * be specified at the same time"), and TLS needs a server name (asyncio: "You must set
   * server_hostname when using ssl without a host").
   */
  public <P extends BaseProtocol> Future<Connection<P>> createConnection(
      Supplier<P> factory, NetSocket socket, ConnectOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(socket, "socket");
    ConnectOptions opts = options != null ? options : ConnectOptions.DEFAULT;
    if (!opts.withTls(null).equals(ConnectOptions.DEFAULT)) {
      throw new IllegalArgumentException(
          "a local address, happy eyeballs, interleave and allErrors are about dialing and cannot"
              + " be given with a connected socket (only ConnectOptions.tls applies): "
              + opts);
    }
    TlsOptions tlsOptions = opts.tls();
    if (tlsOptions != null && tlsOptions.serverHostName() == null) {
      throw new IllegalArgumentException(
          "TLS over a given socket needs TlsOptions.serverHostName (\"\" to skip the host name"
              + " check): there is no host to default to");
    }
    UserSocket given = connectedFreeSocket(socket);
    LoopFuture<Connection<P>> result = new LoopFuture<>(loop);
    wrap(given.handle, given, factory, result, tlsClient(tlsOptions, null));
    return result;
  }

  /** An open socket of this loop that nobody owns: what a transport can take. */
  private UserSocket connectedFreeSocket(NetSocket socket) {
    UserSocket given = UserSocket.freeOf(loop, socket);
    if (!given.handle.isOpen()) {
      throw new IllegalArgumentException("the socket is closed: " + socket);
    }
    return given;
  }

  public <P extends BaseProtocol> Future<Connection<P>> createUnixConnection(
      Supplier<P> factory, UnixAddress address, ConnectOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(address, "address");
    TlsOptions tlsOptions = options != null ? options.tls() : null;
    if (tlsOptions != null && tlsOptions.serverHostName() == null) {
      throw new IllegalArgumentException(
          "TLS over a Unix socket needs TlsOptions.serverHostName (\"\" to skip the host name check)");
    }
    TlsClient tls = tlsClient(tlsOptions, null);
    LoopFuture<Connection<P>> result = new LoopFuture<>(loop);
    dialThenWrap(List.of(address), ConnectOptions.DEFAULT, factory, result, tls);
    return result;
  }

  /**
   * Connects to the first address that answers and wraps the socket; a connection that arrives
   * after the caller gave up (cancelled the future) is closed, not leaked.
   */
  private <P extends BaseProtocol> void dialThenWrap(
      List<SocketAddress> addresses,
      ConnectOptions options,
      Supplier<P> factory,
      LoopFuture<Connection<P>> result,
      TlsClient tls) {
    new Dialer(loop, addresses, options)
        .start()
        .addDoneCallback(
            dialed -> {
              if (dialed.exception() != null) {
                result.tryFail(dialed.exception());
              } else if (!result.isDone()) {
                wrap(dialed.result(), null, factory, result, tls);
              } else {
                dialed.result().close();
              }
            });
  }

  /**
   * asyncio's {@code connect_accepted_socket}: a transport over the user's connected socket; with
   * TLS this end is the TLS server and the future completes after the handshake.
   */
  public <P extends BaseProtocol> Future<Connection<P>> connectAccepted(
      Supplier<P> factory, NetSocket socket, TlsOptions tls) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(socket, "socket");
    UserSocket given = connectedFreeSocket(socket);
    TlsClient server = tls == null ? null : new TlsClient(TlsProviders.get(), tls, null, true);
    LoopFuture<Connection<P>> result = new LoopFuture<>(loop);
    wrap(given.handle, given, factory, result, server);
    return result;
  }

  /**
   * Makes the protocol and the transport for a connected socket; completes after connectionMade.
   * {@code given} is the user's socket the handle came from, which the transport takes over, or
   * {@code null} for a socket the loop made.
   */
  private <P extends BaseProtocol> void wrap(
      SocketHandle socket,
      UserSocket given,
      Supplier<P> factory,
      LoopFuture<Connection<P>> result,
      TlsClient tls) {
    if (tls != null) {
      wrapTls(socket, given, factory, result, tls);
      return;
    }
    P protocol;
    StreamTransport transport;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
      transport = new StreamTransport(loop, socket, protocol, null);
    } catch (Throwable t) { // the user's factory: the loop's guard rule (CallbackGuard)
      socket.close();
      result.tryFail(CallbackGuard.survivable(t));
      return;
    }
    if (given != null) {
      transport.adopt(given);
    }
    result.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            transport.abort();
          }
        });
    transport.start(() -> result.tryComplete(new Connection<>(transport, protocol)));
  }

  // ------------------------------------------------------------------ TLS plumbing

  /**
   * A connection's TLS options and the server name a client expects ("" for none); {@code
   * serverSide} for an accepted socket given to {@code connectAcceptedSocket}.
   */
  private record TlsClient(
      TlsProvider provider, TlsOptions options, String serverHostName, boolean serverSide) {}

  private static TlsClient tlsClient(TlsOptions options, String host) {
    if (options == null) {
      return null;
    }
    String name = options.serverHostName() != null ? options.serverHostName() : host;
    return new TlsClient(TlsProviders.get(), options, name, false);
  }

  /** The server's factory, each protocol behind a TLS layer when the options ask for TLS. */
  private Supplier<? extends BaseProtocol> tlsServed(
      Supplier<? extends BaseProtocol> factory, TlsOptions tls) {
    if (tls == null) {
      return factory;
    }
    TlsProvider provider = TlsProviders.get();
    return () -> {
      BaseProtocol app = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
      return provider.newLayer(loop, app, tls, Side.SERVER, null).rawProtocol();
    };
  }

  /** As {@link #wrap}, with the TLS layer between: completes after the handshake. */
  private <P extends BaseProtocol> void wrapTls(
      SocketHandle socket,
      UserSocket given,
      Supplier<P> factory,
      LoopFuture<Connection<P>> result,
      TlsClient tls) {
    P protocol;
    TlsProvider.TlsLayer layer;
    StreamTransport transport;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
      layer =
          tls.provider()
              .newLayer(
                  loop,
                  protocol,
                  tls.options(),
                  tls.serverSide() ? Side.SERVER : Side.CLIENT,
                  tls.serverHostName());
      transport = new StreamTransport(loop, socket, layer.rawProtocol(), null);
    } catch (Throwable t) { // the user's factory: the loop's guard rule (CallbackGuard)
      socket.close();
      result.tryFail(CallbackGuard.survivable(t));
      return;
    }
    if (given != null) {
      transport.adopt(given);
    }
    result.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            transport.abort();
          }
        });
    transport.start(
        () ->
            layer
                .established()
                .addDoneCallback(
                    done -> {
                      if (done.isCancelled()) {
                        result.cancel();
                      } else if (done.exception() != null) {
                        result.tryFail(done.exception()); // the layer closed the transport
                      } else {
                        result.tryComplete(new Connection<>(done.result(), protocol));
                      }
                    }));
  }

  public Future<Transport> startTls(
      Transport transport, BaseProtocol protocol, TlsOptions options, Side side) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(options, "options");
    return TlsProviders.get().startTls(loop, transport, protocol, options, side);
  }

  /** Finds zloop.tls once, on first use. */
  private static final class TlsProviders {
    private static final TlsProvider INSTANCE =
        java.util.ServiceLoader.load(TlsProvider.class).findFirst().orElse(null);

    static TlsProvider get() {
      if (INSTANCE == null) {
        throw new UnsupportedOperationException(
            "TLS needs the zloop.tls module on the module path (--add-modules zloop.tls if it is"
                + " not resolved)");
      }
      return INSTANCE;
    }
  }

  /** A new socket of the family, as the user sees it. */
  public NetSocket openSocket(StandardProtocolFamily family) throws IOException {
    return new UserSocket(loop, loop.backend().openSocket(SocketKind.of(family)));
  }

  /** A socket descriptor made outside the loop, wrapped by the backend: see EventLoop#adoptSocket. */
  public NetSocket adoptSocket(int fd) throws IOException {
    if (loop.transports().owner(fd) != null) {
      throw new IllegalArgumentException("fd " + fd + " belongs to a transport of this loop");
    }
    SocketHandle handle;
    try {
      handle = loop.backend().adoptSocket(fd);
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException(
          "the " + loop.backendName() + " backend cannot adopt a file descriptor (" + e.getMessage() + ")",
          e);
    }
    return new UserSocket(loop, handle);
  }

  public Future<Long> sendFile(Transport transport, Path file, long position, long count) {
    if (!(transport instanceof StreamTransport st) || st.loop() != loop) {
      throw new IllegalArgumentException("not a stream transport of this loop: " + transport);
    }
    return new Sendfile(st, file, position, count).start();
  }

  /**
   * RFC 8305 address ordering: alternate families, taking {@code firstFamilyCount} of the first
   * family before the first of the other. 0 keeps the resolver's order.
   */
  static List<InetSocketAddress> interleave(List<InetSocketAddress> addresses, int firstFamilyCount) {
    if (firstFamilyCount <= 0 || addresses.size() < 2) {
      return addresses;
    }
    boolean firstIsV6 = addresses.get(0).getAddress() instanceof Inet6Address;
    List<InetSocketAddress> first = new ArrayList<>();
    List<InetSocketAddress> other = new ArrayList<>();
    for (InetSocketAddress a : addresses) {
      (a.getAddress() instanceof Inet6Address == firstIsV6 ? first : other).add(a);
    }
    List<InetSocketAddress> out = new ArrayList<>(addresses.size());
    int i = 0;
    int j = 0;
    while (i < first.size() || j < other.size()) {
      for (int k = 0; k < firstFamilyCount && i < first.size(); k++) {
        out.add(first.get(i++));
      }
      if (j < other.size()) {
        out.add(other.get(j++));
      }
    }
    return out;
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
