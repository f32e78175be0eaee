package zloop.engine.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import zloop.EventLoopClosedException;
import zloop.engine.Loop;
import zloop.engine.spi.PipeHandle;
import zloop.engine.spi.StreamHandler;
import zloop.engine.spi.WriteQueue;

/**
 * A child's pipe as a stream handle on a backend without descriptors (nio): the JDK's blocking
 * {@link Process} stream, served by one platform thread, its events handed to the loop with
 * {@code callSoonThreadSafe}. The engine's stream transport runs over it unchanged.
 *
 * <p>Reading: the thread reads one chunk, hands it over, and reads again only once the loop
 * delivered it while reading was on, so a paused transport stops the thread (and the child, once
 * the pipe fills). Writing is asynchronous ({@link #ASYNC_ONLY}): {@link #flush} copies the head
 * of the queue to the thread, which writes it and reports the count back.
 *
 * <p>Events are delivered on the loop thread, never inside one of these methods, and dropped
 * after {@link #close()}.
 */
final class StreamPipe implements PipeHandle {
  private static final int CHUNK = 64 * 1024;
  private static final byte[] CLOSE_OUTPUT = new byte[0];

  private final Loop loop;
  private final InputStream in;
  private final OutputStream out;
  private final Thread thread;
  // reading
  private final Semaphore mayRead = new Semaphore(0);
  private byte[] held;
  private int heldLength;
  private boolean reading;
  private boolean eofHeld;
  // writing
  private final LinkedBlockingQueue<byte[]> toWrite = new LinkedBlockingQueue<>();
  private WriteQueue flushing;
  private boolean writeInFlight;
  private boolean outputClosed;

  private volatile boolean open = true;
  private StreamHandler stream;

  private StreamPipe(Loop loop, InputStream in, OutputStream out, String name) {
    this.loop = loop;
    this.in = in;
    this.out = out;
    this.thread =
        Thread.ofPlatform().daemon().name(name).unstarted(in != null ? this::readLoop : this::writeLoop);
  }

  static StreamPipe reader(Loop loop, InputStream in, String name) {
    StreamPipe p = new StreamPipe(loop, in, null, name);
    p.thread.start();
    return p;
  }

  static StreamPipe writer(Loop loop, OutputStream out, String name) {
    StreamPipe p = new StreamPipe(loop, null, out, name);
    p.thread.start();
    return p;
  }

  private void toLoop(Runnable r) {
    try {
      loop.callSoonThreadSafe(
          () -> {
            if (open) {
              r.run();
            }
          });
    } catch (EventLoopClosedException e) {
      open = false;
    }
  }

  // ------------------------------------------------------------------ reading (the thread)

  private void readLoop() {
    byte[] buf = new byte[CHUNK];
    try {
      while (open) {
        int n = in.read(buf);
        if (n < 0) {
          toLoop(this::eof);
          return;
        }
        byte[] chunk = java.util.Arrays.copyOf(buf, n);
        toLoop(() -> arrived(chunk));
        mayRead.acquire();
      }
    } catch (IOException e) {
      if (open) {
        toLoop(() -> stream.onError(e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    }
  }

  // ------------------------------------------------------------------ reading (the loop)

  private void arrived(byte[] chunk) {
    held = chunk;
    heldLength = chunk.length;
    deliver();
  }

  private void eof() {
    eofHeld = true;
    deliver();
  }

  private void deliver() {
    if (!reading || stream == null) {
      return;
    }
    if (held != null) {
      byte[] chunk = held;
      held = null;
      ByteBuffer target = stream.readBuffer();
      if (!open || !reading) {
        return;
      }
      if (target == null) {
        stream.onData(ByteBuffer.wrap(chunk, 0, heldLength).asReadOnlyBuffer());
      } else {
        int n = Math.min(target.remaining(), heldLength);
        target.duplicate().put(chunk, 0, n);
        stream.onDataInto(n);
        if (n < heldLength) {
          held = java.util.Arrays.copyOfRange(chunk, n, heldLength);
          heldLength = held.length;
          if (open) {
            loop.callSoon(this::deliver);
          }
          return;
        }
      }
      mayRead.release();
    } else if (eofHeld) {
      eofHeld = false;
      reading = false;
      stream.onEof();
    }
  }

  @Override
  public void setStreamHandler(StreamHandler handler) {
    this.stream = handler;
  }

  @Override
  public void startReading() {
    if (in == null || reading || !open) {
      return;
    }
    reading = true;
    if (held != null || eofHeld) {
      loop.callSoon(this::deliver); // never inside this call
    }
  }

  @Override
  public void stopReading() {
    reading = false;
  }

  // ------------------------------------------------------------------ writing

  private void writeLoop() {
    try {
      while (true) {
        byte[] chunk = toWrite.take();
        if (chunk == CLOSE_OUTPUT) {
          out.close();
          return;
        }
        out.write(chunk);
        out.flush();
        toLoop(() -> written(chunk.length));
      }
    } catch (IOException e) {
      toLoop(() -> stream.onError(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    }
  }

  private void written(int n) {
    writeInFlight = false;
    stream.onWritten(n);
    sendHead();
  }

  @Override
  public long writeNow(ByteBuffer[] buffers, int offset, int count) throws IOException {
    if (out == null) {
      throw new IOException("the read end of a pipe cannot be written to");
    }
    return ASYNC_ONLY;
  }

  @Override
  public void flush(WriteQueue queue) {
    if (!open || outputClosed) {
      return;
    }
    flushing = queue;
    sendHead();
  }

  private void sendHead() {
    if (writeInFlight || flushing == null || flushing.isEmpty() || !open) {
      return;
    }
    ByteBuffer head = flushing.buffers()[0].duplicate();
    byte[] chunk = new byte[head.remaining()];
    head.get(chunk);
    writeInFlight = true;
    toWrite.add(chunk);
  }

  /**
   * The child exited: the JDK closes its stdin pipe then, and a blocked stream cannot tell, so the
   * write end reports its reader gone as the native pipes do: a broken pipe if bytes wait, its end
   * if none.
   */
  void childExited() {
    if (!open || out == null || outputClosed || stream == null) {
      return;
    }
    if (flushing != null && !flushing.isEmpty()) {
      stream.onError(new IOException("Broken pipe: the child exited"));
    } else {
      stream.onEof();
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    if (out == null) {
      throw new IOException("the read end of a pipe cannot be written to");
    }
    outputClosed = true;
    toWrite.add(CLOSE_OUTPUT); // after what is queued: the child sees its end of input
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    if (open) {
      loop.callSoon(whenWritable);
    }
  }

  @Override
  public int fd() {
    return -1;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /**
   * Ends the thread and closes the stream. The close runs on a short-lived thread of its own: the
   * JDK's process streams lock around a blocked read or write, so closing from the loop thread
   * could wait for the child.
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    stream = null;
    thread.interrupt();
    java.io.Closeable c = in != null ? in : out;
    Thread.ofPlatform()
        .daemon()
        .name(thread.getName() + "-close")
        .start(
            () -> {
              try {
                c.close();
              } catch (IOException e) {
                // the child's end is gone already
              }
            });
  }

  @Override
  public String toString() {
    return "StreamPipe[" + thread.getName() + (open ? "" : ", closed") + "]";
  }
}
