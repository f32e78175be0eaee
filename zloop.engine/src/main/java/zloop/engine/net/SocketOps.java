package zloop.engine.net;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
import zloop.Future;
import zloop.NetSocket;
import zloop.engine.Loop;
import zloop.engine.spi.AcceptHandler;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;
import zloop.engine.task.LoopFuture;

/**
 * The low-level {@code sock*} operations. Each socket gets one {@link Channel}, its stream handler
 * for as long as it is used this way, holding at most one pending receive and one pending send, so
 * a receive and a send may wait at the same time (as in asyncio).
 *
 * <p>Cancellation acts at once, inside {@code cancel()}: a cancelled receive stops reading before
 * any more bytes can be read for it, a cancelled send drops what it had not handed to the kernel,
 * a cancelled accept stops accepting. Bytes that arrive while no receive waits (read by a
 * completion backend before its cancel landed) are kept for the next receive, never dropped.
 */
public final class SocketOps {
  private final Loop loop;

  /**
   * Weak both ways: a channel references its socket, so a strong value would keep every key (and
   * every socket ever used with {@code sock*}) alive for the loop's life. The socket keeps its
   * channel alive (it is the socket's stream handler).
   */
  private final Map<SocketHandle, WeakReference<Channel>> channels = new WeakHashMap<>();

  public SocketOps(Loop loop) {
    this.loop = loop;
  }

  public Future<ByteBuffer> recv(NetSocket s, int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative size: " + maxBytes);
    }
    ByteBuffer target = ByteBuffer.allocate(maxBytes);
    Receive<ByteBuffer> r =
        new Receive<>(loop, target) {
          @Override
          void received(int n) {
            tryComplete(target.flip());
          }
        };
    if (maxBytes == 0) {
      r.received(0);
      return r;
    }
    channel(s).receive(r);
    return r;
  }

  public Future<Integer> recvInto(NetSocket s, ByteBuffer buffer) {
    Receive<Integer> r =
        new Receive<>(loop, buffer) {
          @Override
          void received(int n) {
            tryComplete(n);
          }
        };
    if (!buffer.hasRemaining()) {
      r.received(0);
      return r;
    }
    channel(s).receive(r);
    return r;
  }

  public Future<Void> sendall(NetSocket s, ByteBuffer data) {
    Send result = new Send(loop);
    channel(s).send(data, result);
    return result;
  }

  public Future<Void> connect(NetSocket s, SocketAddress remote) {
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

  public Future<NetSocket> accept(NetSocket s) {
    SocketHandle listener = own(s);
    // Stops accepting inside cancel(): a done callback would run a turn late, and a connection
    // accepted meanwhile would have nobody to go to.
    LoopFuture<NetSocket> result =
        new LoopFuture<>(loop) {
          @Override
          public void onDone() {
            if (isCancelled()) {
              listener.stopAccepting();
            }
          }
        };
    listener.startAccepting(
        new AcceptHandler() {
          @Override
          public void onAccept(SocketHandle accepted) {
            if (result.isDone()) {
              accepted.close(); // a second connection in the same batch: nobody asked for it
              return;
            }
            listener.stopAccepting();
            result.tryComplete(new UserSocket(loop, accepted));
          }

          @Override
          public void onAcceptError(IOException failure, boolean resourceExhausted) {
            listener.stopAccepting();
            result.tryFail(failure);
          }
        });
    return result;
  }

  private Channel channel(NetSocket s) {
    SocketHandle socket = own(s);
    WeakReference<Channel> ref = channels.get(socket);
    Channel c = ref == null ? null : ref.get();
    if (c == null) {
      c = new Channel(socket);
      channels.put(socket, new WeakReference<>(c));
    }
    return c;
  }

  /** The handle behind a user's socket of this loop that no transport or server owns. */
  private SocketHandle own(NetSocket s) {
    return UserSocket.freeOf(loop, s).handle;
  }

  /** A receive's future, which also knows its buffer and withdraws itself when cancelled. */
  private abstract static class Receive<T> extends LoopFuture<T> {
    final ByteBuffer into;
    Channel channel;

    Receive(Loop loop, ByteBuffer into) {
      super(loop);
      this.into = into;
    }

    /** {@code n} bytes were put at the buffer's old position (now after them); 0 at EOF. */
    abstract void received(int n);

    @Override
    public void onDone() {
      if (isCancelled() && channel != null) {
        channel.receiveCancelled(this);
      }
    }
  }

  /** A send's future, which drops its unsent bytes when cancelled. */
  private static final class Send extends LoopFuture<Void> {
    Channel channel;

    Send(Loop loop) {
      super(loop);
    }

    @Override
    public void onDone() {
      if (isCancelled() && channel != null) {
        channel.sendCancelled(this);
      }
    }
  }

  /** One socket's pending receive and pending send, and what arrived while no receive waited. */
  private static final class Channel implements StreamHandler {
    private final SocketHandle socket;
    private final ByteBuffer[] one = new ByteBuffer[1];
    private WriteQueue queue = new WriteQueue();
    /** A cancelled send's buffers: a completion backend may still be sending from them. */
    private WriteQueue retired;
    private Receive<?> receiving;
    /** The buffer the last {@link #readBuffer()} handed out. */
    private ByteBuffer offered;
    /** Bytes nobody asked for yet (flipped: position to limit), or {@code null}. */
    private ByteBuffer kept;
    private boolean eof;
    private IOException failure;
    private Send sending;

    Channel(SocketHandle socket) {
      this.socket = socket;
      socket.setStreamHandler(this);
    }

    void receive(Receive<?> r) {
      if (receiving != null) {
        throw new IllegalStateException("a sockRecv is already waiting on this socket");
      }
      if (kept != null) {
        int n = Math.min(kept.remaining(), r.into.remaining());
        r.into.put(r.into.position(), kept, kept.position(), n);
        r.into.position(r.into.position() + n);
        kept.position(kept.position() + n);
        if (!kept.hasRemaining()) {
          kept = null;
        }
        r.received(n);
        return;
      }
      if (failure != null) {
        r.tryFail(failure);
        return;
      }
      if (eof) {
        r.received(0);
        return;
      }
      receiving = r;
      r.channel = this;
      socket.startReading();
    }

    void receiveCancelled(Receive<?> r) {
      if (receiving == r) {
        receiving = null;
        socket.stopReading();
      }
    }

    void send(ByteBuffer data, Send result) {
      if (sending != null) {
        throw new IllegalStateException("a sockSendAll is already sending on this socket");
      }
      if (failure != null) {
        result.tryFail(failure);
        return;
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
      sending = result;
      result.channel = this;
      socket.flush(queue);
    }

    void sendCancelled(Send s) {
      if (sending != s) {
        return;
      }
      sending = null;
      // A new queue object: a completion backend sees the old one emptied and drops the send in
      // flight from it; its buffers stay referenced until a later send completes.
      WriteQueue old = queue;
      queue = new WriteQueue();
      WriteQueue keepAlive = new WriteQueue();
      old.clear(keepAlive::add);
      retired = keepAlive;
    }

    @Override
    public ByteBuffer readBuffer() {
      offered = receiving != null ? receiving.into : null;
      return offered;
    }

    @Override
    public void onData(ByteBuffer data) {
      // No receive waits (the backend read into its own buffer): keep the bytes for the next.
      keep(data);
      Receive<?> r = receiving;
      receiving = null;
      socket.stopReading();
      if (r != null) {
        receive(r); // served from what was just kept
      }
    }

    @Override
    public void onDataInto(int n) {
      Receive<?> r = receiving;
      ByteBuffer into = offered;
      offered = null;
      if (r != null && into == r.into) {
        receiving = null;
        socket.stopReading();
        r.into.position(r.into.position() + n);
        r.received(n);
      } else if (into != null) {
        keep(into.slice(into.position(), n)); // read for a receive that was cancelled since
      }
    }

    private void keep(ByteBuffer data) {
      if (kept == null) {
        kept = ByteBuffer.allocate(data.remaining());
      } else if (kept.capacity() - kept.limit() < data.remaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(kept.remaining() + data.remaining());
        bigger.put(kept).flip();
        kept = bigger;
      }
      int at = kept.limit();
      kept.limit(at + data.remaining());
      kept.put(at, data, data.position(), data.remaining());
      data.position(data.limit());
    }

    @Override
    public void onEof() {
      eof = true;
      Receive<?> r = receiving;
      receiving = null;
      if (r != null) {
        r.received(0);
      }
    }

    @Override
    public void onError(IOException e) {
      failure = e;
      Receive<?> r = receiving;
      receiving = null;
      if (r != null) {
        r.tryFail(e);
      }
      Send s = sending;
      sending = null;
      if (s != null) {
        s.tryFail(e);
      }
    }

    @Override
    public void onWritten(long n) {
      retired = null; // the backend sends one at a time: a cancelled send is over by now
      queue.consume(n, b -> {});
      if (queue.isEmpty() && sending != null) {
        Send s = sending;
        sending = null;
        s.tryComplete(null);
      }
    }
  }
}
