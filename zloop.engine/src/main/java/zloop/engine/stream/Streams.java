package zloop.engine.stream;

import java.util.Objects;
import zloop.ClientConnected;
import zloop.ConnectOptions;
import zloop.Connection;
import zloop.Future;
import zloop.NetSocket;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.UnixAddress;
import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/**
 * asyncio's stream functions ({@code open_connection}, {@code start_server}, their Unix twins and
 * their {@code sock=} forms): a connection or server whose protocol is a {@link StreamProtocol}, its reader and writer
 * handed out as a {@link StreamPair}. Networking does the work; this only builds the protocols.
 */
public final class Streams {
  private final Loop loop;

  public Streams(Loop loop) {
    this.loop = loop;
  }

  public Future<StreamPair> openConnection(String host, int port, StreamOptions options) {
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return pairOf(loop.createConnection(() -> clientProtocol(o), host, port, connectOptions(o)));
  }

  public Future<Server> startServer(
      ClientConnected clientConnected, String host, int port, StreamOptions options) {
    Objects.requireNonNull(clientConnected, "clientConnected");
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return loop.createServer(
        () -> serverProtocol(o, clientConnected), host, port, o.server());
  }

  public Future<StreamPair> openConnection(NetSocket socket, StreamOptions options) {
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return pairOf(loop.createConnection(() -> clientProtocol(o), socket, connectOptions(o)));
  }

  public Future<Server> startServer(ClientConnected clientConnected, NetSocket socket, StreamOptions options) {
    Objects.requireNonNull(clientConnected, "clientConnected");
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return loop.createServer(
        () -> serverProtocol(o, clientConnected), socket, o.server());
  }

  public Future<StreamPair> openUnixConnection(UnixAddress address, StreamOptions options) {
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return pairOf(loop.createUnixConnection(() -> clientProtocol(o), address, connectOptions(o)));
  }

  public Future<Server> startUnixServer(
      ClientConnected clientConnected, UnixAddress address, StreamOptions options) {
    Objects.requireNonNull(clientConnected, "clientConnected");
    StreamOptions o = options != null ? options : StreamOptions.DEFAULT;
    return loop.createUnixServer(
        () -> serverProtocol(o, clientConnected), address, o.server());
  }

  private StreamProtocol clientProtocol(StreamOptions o) {
    return new StreamProtocol(loop, o.limit(), null);
  }

  private StreamProtocol serverProtocol(StreamOptions o, ClientConnected clientConnected) {
    return new StreamProtocol(loop, o.limit(), clientConnected);
  }

  private static ConnectOptions connectOptions(StreamOptions o) {
    return o.connect();
  }

  /** The connection's reader and writer once it is made; its failure or cancellation otherwise. */
  private Future<StreamPair> pairOf(Future<Connection<StreamProtocol>> connecting) {
    LoopFuture<StreamPair> pair = new LoopFuture<>(loop);
    connecting.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            pair.cancel();
          } else if (f.exception() != null) {
            pair.tryFail(f.exception());
          } else {
            StreamProtocol p = f.result().protocol();
            pair.tryComplete(new StreamPair(p.reader(), p.writer()));
          }
        });
    return pair;
  }
}
