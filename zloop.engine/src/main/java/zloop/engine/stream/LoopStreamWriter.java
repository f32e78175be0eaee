package zloop.engine.stream;

import zloop.Side;
import java.nio.ByteBuffer;
import java.util.List;
import zloop.Future;
import zloop.StreamWriter;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.LoopHandle;
import zloop.engine.task.LoopFuture;

/** asyncio's {@code StreamWriter}: the transport plus {@code drain} and {@code waitClosed}. */
final class LoopStreamWriter implements StreamWriter {
  private final Loop loop;
  private Transport transport;
  private final StreamProtocol protocol;
  /**
   * What {@link #drain()} returns when writing may go on at once: one done future per writer, so
   * a write-and-drain loop allocates nothing for the drain. A done future cannot change.
   */
  private final LoopFuture<Void> writable;

  LoopStreamWriter(Loop loop, Transport transport, StreamProtocol protocol) {
    this.loop = loop;
    this.transport = transport;
    this.protocol = protocol;
    this.writable = new LoopFuture<>(loop);
    writable.tryComplete(null);
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public void write(ByteBuffer data) {
    transport.write(data);
  }

  @Override
  public void writeLines(List<ByteBuffer> data) {
    transport.writeLines(data);
  }

  /**
   * asyncio's drain: the reader's failure first; on a closing transport one turn's yield (so a
   * lost connection's {@code connectionLost} runs and a writer looping on write+drain cannot hold
   * the loop); then "Connection lost" if it is gone, else wait while writing is paused.
   */
  @Override
  public Future<Void> drain() {
    Throwable readerFailure = protocol.reader().exception();
    if (readerFailure == null && !transport.isClosing() && protocol.canWriteNow()) {
      return writable; // nothing to wait for: no allocation on a write-and-drain loop
    }
    LoopFuture<Void> f = new LoopFuture<>(loop);
    if (readerFailure != null) {
      f.tryFail(readerFailure);
      return f;
    }
    if (transport.isClosing()) {
      loop.scheduleInternal(new LoopHandle(() -> finishDrain(f)));
      return f;
    }
    finishDrain(f);
    return f;
  }

  private void finishDrain(LoopFuture<Void> f) {
    if (f.isDone()) {
      return; // cancelled while yielding
    }
    if (protocol.isLost()) {
      f.tryFail(protocol.lostFailure());
      return;
    }
    protocol.awaitWritable(f);
  }

  @Override
  public void writeEof() {
    transport.writeEof();
  }

  @Override
  public boolean canWriteEof() {
    return transport.canWriteEof();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public boolean isClosing() {
    return transport.isClosing();
  }

  @Override
  public Future<Void> waitClosed() {
    return protocol.closed();
  }

  @Override
  public Object getExtraInfo(String name) {
    return transport.getExtraInfo(name);
  }

  @Override
  public Future<Void> startTls(TlsOptions options, Side side) {
    LoopFuture<Void> done = new LoopFuture<>(loop);
    loop.startTls(transport, protocol, options, side)
        .addDoneCallback(
            f -> {
              if (f.isCancelled()) {
                done.cancel();
              } else if (f.exception() != null) {
                done.tryFail(f.exception());
              } else {
                transport = f.result();
                protocol.replaceTransport(transport);
                done.tryComplete(null);
              }
            });
    return done;
  }

  @Override
  public String toString() {
    return "StreamWriter[" + transport + "]";
  }
}
