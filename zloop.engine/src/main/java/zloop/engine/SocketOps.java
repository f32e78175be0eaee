package zloop.engine;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import zloop.Future;
import zloop.NetSocket;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * The low-level {@code sock*} operations: each one a short-lived handler on the backend socket
 * that completes a future. One operation of each direction at a time per socket, as in asyncio.
 */
final class SocketOps {
  private SocketOps() {}

  static Future<ByteBuffer> recv(Loop loop, NetSocket s, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative size: " + maxBytes);
    }
    ByteBuffer target = ByteBuffer.allocate(maxBytes);
    LoopFuture<ByteBuffer> result = new LoopFuture<>(loop);
    recvInto(loop, s, target)
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

  static Future<Integer> recvInto(Loop loop, NetSocket s, ByteBuffer buffer) {
    SocketHandle socket = own(s);
    LoopFuture<Integer> result = new LoopFuture<>(loop);
    if (!buffer.hasRemaining()) {
      result.tryComplete(0);
      return result;
    }
    socket.setStreamHandler(
        new Once() {
          @Override
          public ByteBuffer readBuffer() {
            return buffer;
          }

          @Override
          public void onDataInto(int n) {
            socket.stopReading();
            buffer.position(buffer.position() + n);
            result.tryComplete(n);
          }

          @Override
          public void onEof() {
            result.tryComplete(0);
          }

          @Override
          public void onError(IOException failure) {
            socket.stopReading();
            result.tryFail(failure);
          }
        });
    result.addDoneCallback(f -> socket.stopReading());
    socket.startReading();
    return result;
  }

  static Future<Void> sendall(Loop loop, NetSocket s, ByteBuffer data) {
    SocketHandle socket = own(s);
    LoopFuture<Void> result = new LoopFuture<>(loop);
    ByteBuffer[] one = {data};
    try {
      long n = socket.writeNow(one, 0, 1);
      if (n != SocketHandle.ASYNC_ONLY && !data.hasRemaining()) {
        result.tryComplete(null);
        return result;
      }
    } catch (IOException e) {
      result.tryFail(e);
      return result;
    }
    WriteQueue queue = new WriteQueue();
    ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
    queue.add(copy);
    socket.setStreamHandler(
        new Once() {
          @Override
          public void onWritten(long n) {
            queue.consume(n, b -> {});
            if (queue.isEmpty()) {
              result.tryComplete(null);
            }
          }

          @Override
          public void onError(IOException failure) {
            result.tryFail(failure);
          }
        });
    socket.flush(queue);
    return result;
  }

  static Future<Void> connect(Loop loop, NetSocket s, SocketAddress remote) {
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

  static Future<NetSocket> accept(Loop loop, NetSocket s) {
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

  private static SocketHandle own(NetSocket s) {
    if (s instanceof SocketHandle h) {
      return h;
    }
    throw new IllegalArgumentException("not a socket of this loop's backend: " + s);
  }

  /** A handler for one operation: events it does not expect are ignored. */
  private abstract static class Once implements StreamHandler {
    @Override
    public ByteBuffer readBuffer() {
      return null;
    }

    @Override
    public void onData(ByteBuffer data) {}

    @Override
    public void onDataInto(int n) {}

    @Override
    public void onEof() {}

    @Override
    public void onError(IOException failure) {}

    @Override
    public void onWritten(long n) {}
  }
}
