package zloop.engine;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
import zloop.Future;
import zloop.NetSocket;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * The low-level {@code sock*} operations. Each socket gets one {@link Channel}, its stream handler
 * for as long as it is used this way, holding at most one pending receive and one pending send, so
 * a receive and a send may wait at the same time (as in asyncio).
 */
final class SocketOps {
  private final Loop loop;
  private final Map<SocketHandle, Channel> channels = new WeakHashMap<>();

  SocketOps(Loop loop) {
    this.loop = loop;
  }

  Future<ByteBuffer> recv(NetSocket s, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative size: " + maxBytes);
    }
    ByteBuffer target = ByteBuffer.allocate(maxBytes);
    LoopFuture<ByteBuffer> result = new LoopFuture<>(loop);
    recvInto(s, target)
        .addDoneCallback(
            f -> {
              if (f.isCancelled()) {
                result.cancel();
              } else if (f.exception() != null) {
                result.tryFail(f.exception());
              } else {
                result.tryComplete(target.flip());
              }
            });
    return result;
  }

  Future<Integer> recvInto(NetSocket s, ByteBuffer buffer) {
    LoopFuture<Integer> result = new LoopFuture<>(loop);
    if (!buffer.hasRemaining()) {
      result.tryComplete(0);
      return result;
    }
    channel(s).receive(buffer, result);
    return result;
  }

  Future<Void> sendall(NetSocket s, ByteBuffer data) {
    LoopFuture<Void> result = new LoopFuture<>(loop);
    channel(s).send(data, result);
    return result;
  }

  Future<Void> connect(NetSocket s, SocketAddress remote) {
    SocketHandle socket = own(s);
    LoopFuture<Void> result = new LoopFuture<>(loop);
    try {
      socket.connect(
          remote,
          failure -> {
            if (failure == null) {
              result.tryComplete(null);
            } else {
              result.tryFail(failure);
            }
          });
    } catch (IOException e) {
      result.tryFail(e);
    }
    return result;
  }

  Future<NetSocket> accept(NetSocket s) {
    SocketHandle listener = own(s);
    LoopFuture<NetSocket> result = new LoopFuture<>(loop);
    listener.startAccepting(
        new AcceptHandler() {
          @Override
          public void onAccept(SocketHandle accepted) {
            if (result.isDone()) {
              accepted.close(); // a second connection in the same batch: nobody asked for it
              return;
            }
            listener.stopAccepting();
            result.tryComplete(accepted);
          }

          @Override
          public void onAcceptError(IOException failure, boolean resourceExhausted) {
            listener.stopAccepting();
            result.tryFail(failure);
          }
        });
    result.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            listener.stopAccepting();
          }
        });
    return result;
  }

  private Channel channel(NetSocket s) {
    SocketHandle socket = own(s);
    return channels.computeIfAbsent(socket, Channel::new);
  }

  private static SocketHandle own(NetSocket s) {
    if (s instanceof SocketHandle h) {
      return h;
    }
    throw new IllegalArgumentException("not a socket of this loop's backend: " + s);
  }

  /** One socket's pending receive and pending send. */
  private final class Channel implements StreamHandler {
    private final SocketHandle socket;
    private final WriteQueue queue = new WriteQueue();
    private final ByteBuffer[] one = new ByteBuffer[1];
    private ByteBuffer recvBuffer;
    private LoopFuture<Integer> recvResult;
    private LoopFuture<Void> sendResult;

    Channel(SocketHandle socket) {
      this.socket = socket;
      socket.setStreamHandler(this);
    }

    void receive(ByteBuffer buffer, LoopFuture<Integer> result) {
      if (recvResult != null && !recvResult.isDone()) {
        throw new IllegalStateException("a sockRecv is already waiting on this socket");
      }
      recvBuffer = buffer;
      recvResult = result;
      result.addDoneCallback(f -> socket.stopReading());
      socket.startReading();
    }

    void send(ByteBuffer data, LoopFuture<Void> result) {
      if (sendResult != null && !sendResult.isDone()) {
        throw new IllegalStateException("a sockSendall is already sending on this socket");
      }
      one[0] = data;
      try {
        long n = socket.writeNow(one, 0, 1);
        if (n != SocketHandle.ASYNC_ONLY && !data.hasRemaining()) {
          result.tryComplete(null);
          return;
        }
      } catch (IOException e) {
        result.tryFail(e);
        return;
      } finally {
        one[0] = null;
      }
      ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
      queue.add(copy);
      sendResult = result;
      socket.flush(queue);
    }

    @Override
    public ByteBuffer readBuffer() {
      return recvResult != null && !recvResult.isDone() ? recvBuffer : null;
    }

    @Override
    public void onData(ByteBuffer data) {
      // Only reached when no receive waits (the backend read into its own buffer): nobody asked.
    }

    @Override
    public void onDataInto(int n) {
      LoopFuture<Integer> r = recvResult;
      if (r != null && !r.isDone()) {
        recvBuffer.position(recvBuffer.position() + n);
        socket.stopReading();
        r.tryComplete(n);
      }
    }

    @Override
    public void onEof() {
      LoopFuture<Integer> r = recvResult;
      if (r != null) {
        r.tryComplete(0);
      }
    }

    @Override
    public void onError(IOException failure) {
      if (recvResult != null) {
        recvResult.tryFail(failure);
      }
      if (sendResult != null) {
        sendResult.tryFail(failure);
      }
    }

    @Override
    public void onWritten(long n) {
      queue.consume(n, b -> {});
      if (queue.isEmpty() && sendResult != null) {
        sendResult.tryComplete(null);
      }
    }
  }
}
