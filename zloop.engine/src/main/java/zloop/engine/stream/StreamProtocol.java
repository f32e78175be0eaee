package zloop.engine.stream;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import zloop.ClientConnected;
import zloop.ExceptionContext;
import zloop.Protocol;
import zloop.Task;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.net.StreamTransport;
import zloop.engine.task.LoopFuture;

/**
 * asyncio's {@code StreamReaderProtocol} with its flow-control mixin: feeds the reader, keeps the
 * connection half-open on EOF so the writer can finish, tracks write pauses for {@code drain}, and
 * (on a server) runs the client callback as a task.
 */
final class StreamProtocol implements Protocol, StreamTransport.ReadLender {
  private final Loop loop;
  private final LoopStreamReader reader;
  private final ClientConnected serve;
  private final LoopFuture<Void> closed;
  private final List<LoopFuture<Void>> drainWaiters = new ArrayList<>();
  private LoopStreamWriter writer;
  private boolean writingPaused;
  private boolean lost;
  private Throwable lostWith;

  StreamProtocol(Loop loop, int limit, ClientConnected serve) {
    this.loop = loop;
    this.reader = new LoopStreamReader(loop, limit);
    this.serve = serve;
    this.closed = new LoopFuture<>(loop);
  }

  LoopStreamReader reader() {
    return reader;
  }

  LoopStreamWriter writer() {
    return writer;
  }

  @Override
  public void connectionMade(Transport transport) {
    reader.setTransport(transport);
    writer = new LoopStreamWriter(loop, transport, this);
    if (serve != null) {
      LoopStreamWriter w = writer;
      Task<Void> task =
          loop.createTask(
              () -> {
                try {
                  serve.serve(reader, w);
                } catch (java.util.concurrent.CancellationException e) {
                  throw e;
                } catch (Exception | Error e) {
                  loop.callExceptionHandler(
                      new ExceptionContext(
                          "Unhandled exception in client_connected_cb", e, null, null, w.transport(), this));
                  w.close();
                }
                return null;
              },
              "stream-client");
      // asyncio (3.12+): a cancelled client task closes its connection; nobody else would.
      task.addDoneCallback(
          t -> {
            if (t.isCancelled()) {
              w.close();
            }
          });
    }
  }

  @Override
  public void dataReceived(ByteBuffer data) {
    reader.feedData(data);
  }

  /** A waiting readInto's buffer, for a read straight into it (see {@link LoopStreamReader}). */
  @Override
  public ByteBuffer lendReadTarget() {
    return reader.lendTarget();
  }

  @Override
  public void lentTargetFilled(int n) {
    reader.lentFilled(n);
  }

  @Override
  public boolean eofReceived() {
    reader.feedEof();
    return true; // half-open: the writer may still send its answer
  }

  @Override
  public void connectionLost(Throwable exception) {
    lost = true;
    lostWith = exception;
    if (exception == null) {
      reader.feedEof();
      closed.tryComplete(null);
    } else {
      reader.setException(exception);
      closed.tryFail(exception);
    }
    for (LoopFuture<Void> w : drainWaiters) {
      w.tryFail(lostFailure());
    }
    drainWaiters.clear();
  }

  @Override
  public void pauseWriting() {
    writingPaused = true;
  }

  @Override
  public void resumeWriting() {
    writingPaused = false;
    for (LoopFuture<Void> w : drainWaiters) {
      w.tryComplete(null);
    }
    drainWaiters.clear();
  }

  /** After {@code startTls}: reading is paused and resumed through the TLS transport. */
  void replaceTransport(Transport tls) {
    reader.setTransport(tls);
  }

  boolean isLost() {
    return lost;
  }

  /** Whether {@code drain} is done at once: the connection is there and writing is not paused. */
  boolean canWriteNow() {
    return !writingPaused && !lost;
  }

  /** {@code drain}: done now unless writing is paused. */
  void awaitWritable(LoopFuture<Void> waiter) {
    if (!writingPaused) {
      waiter.tryComplete(null);
    } else {
      drainWaiters.add(waiter);
    }
  }

  /** asyncio's ConnectionResetError("Connection lost"), caused by what ended the connection. */
  Throwable lostFailure() {
    SocketException e = new SocketException("Connection lost");
    if (lostWith != null) {
      e.initCause(lostWith);
    }
    return e;
  }

  LoopFuture<Void> closed() {
    return closed;
  }
}
