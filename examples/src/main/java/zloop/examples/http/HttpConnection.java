package zloop.examples.http;

import java.nio.ByteBuffer;
import zloop.Protocol;
import zloop.Transport;

/**
 * One HTTP/1.1 connection: reads requests (pipelined or not), hands each complete one to the
 * handler in order, writes the answers, and decides when the connection ends.
 *
 * <ul>
 *   <li>Keep-alive: HTTP/1.1 persists unless the request says {@code Connection: close}; HTTP/1.0
 *       only with {@code Connection: keep-alive}.
 *   <li>Pipelining: every request in a read is answered in order, and all the answers to one read
 *       leave in one write. A streamed answer holds back the requests behind it (their bytes wait,
 *       reading paused) until it ends.
 *   <li>Flow control: while the transport's write buffer is over its high watermark, the
 *       connection neither reads nor produces stream chunks, so a client that does not read its
 *       answers fills its own socket buffers, not this server's memory.
 *   <li>Bad input: a refused request ({@link HttpError}) is answered with its status and {@code
 *       Connection: close}; the connection then stops reading requests, half-closes, and drops what
 *       the client still sends for a little while (so the answer is not lost to a reset) before it
 *       closes.
 *   <li>Time limits (checked by the server's sweep, {@link #checkDeadline}): idle keep-alive,
 *       request head and request body each have their own {@link HttpLimits} timeout.
 * </ul>
 */
final class HttpConnection implements Protocol {
  /** After a refusal: the most bytes dropped, and how long, before the connection closes. */
  private static final int LINGER_BYTES = 256 * 1024;

  private static final long LINGER_NANOS = 2_000_000_000L;

  private enum State {
    /** Waiting for the first byte of a request. */
    IDLE,
    HEAD,
    BODY_LENGTH,
    BODY_CHUNKED,
    /** A streamed answer is being produced; later requests wait. */
    STREAMING,
    /** Refused a request: dropping input until the close. */
    LINGER,
    CLOSED
  }

  private final HttpServer server;
  private final HttpLimits limits;
  private final RequestHeadParser head;
  private final ChunkedDecoder chunked;
  private final BodyBuffer body;
  private final ResponseWriter writer;
  private Transport transport;
  private State state = State.IDLE;
  private long deadline;
  private long bodyLeft;
  /** Input received but not processed yet (while a stream runs or the client does not read). */
  private ByteBuffer backlog;

  private boolean writingPaused;
  /** The client half-closed: answer what it sent, then close. */
  private boolean peerClosed;
  private boolean readingPaused;
  private int lingerBytes;
  /** The index of this connection in the server's list (for removal in O(1)). */
  int slot = -1;

  HttpConnection(HttpServer server) {
    this.server = server;
    this.limits = server.limits();
    this.head = new RequestHeadParser(limits);
    this.chunked = new ChunkedDecoder(limits);
    this.body = new BodyBuffer(limits.maxBodyBytes());
    this.writer = new ResponseWriter(server.date());
  }

  @Override
  public void connectionMade(Transport t) {
    transport = t;
    server.opened(this);
    deadline = server.now() + limits.idleTimeout().toNanos();
  }

  @Override
  public void connectionLost(Throwable exception) {
    state = State.CLOSED;
    backlog = null;
    server.closed(this);
  }

  @Override
  public void dataReceived(ByteBuffer data) {
    if (state == State.LINGER) {
      linger(data);
      return;
    }
    if (hasBacklog()) {
      keep(data); // arrived before the pause took effect: behind what already waits
      processBacklog();
    } else {
      process(data);
      if (data.hasRemaining()) {
        keep(data);
      }
    }
    writer.flush(transport);
    updateReading();
  }

  @Override
  public boolean eofReceived() {
    // A client that half-closes after its last request still gets the answers in progress.
    peerClosed = true;
    return state == State.STREAMING || hasBacklog();
  }

  @Override
  public void pauseWriting() {
    writingPaused = true;
    updateReading();
  }

  @Override
  public void resumeWriting() {
    writingPaused = false;
    if (state == State.STREAMING) {
      pump();
    }
    processBacklog();
    writer.flush(transport);
    updateReading();
  }

  /** Runs the requests in {@code in} until it is used up, or the connection must wait. */
  private void process(ByteBuffer in) {
    try {
      while (in.hasRemaining() && !writingPaused) {
        switch (state) {
          case IDLE -> {
            state = State.HEAD;
            deadline = server.now() + limits.headTimeout().toNanos();
          }
          case HEAD -> {
            if (head.feed(in)) {
              headComplete(in);
            }
          }
          case BODY_LENGTH -> {
            int n = (int) Math.min(bodyLeft, in.remaining());
            body.append(in, n);
            bodyLeft -= n;
            if (bodyLeft == 0) {
              dispatch(body.view());
            }
          }
          case BODY_CHUNKED -> {
            if (chunked.feed(in, body)) {
              dispatch(body.view());
            }
          }
          case STREAMING -> {
            return; // the rest waits for the stream's end
          }
          case LINGER, CLOSED -> {
            in.position(in.limit());
            return;
          }
        }
      }
    } catch (HttpError e) {
      refuse(e);
      in.position(in.limit());
    }
  }

  /** The head is complete: answer now, or read the body first. */
  private void headComplete(ByteBuffer in) throws HttpError {
    server.traceHead(head);
    long length = head.contentLength();
    if (head.chunked() || length > 0) {
      if (head.expectContinue()) {
        writer.writeContinue();
      }
      deadline = server.now() + limits.bodyTimeout().toNanos();
    }
    if (head.chunked()) {
      chunked.reset();
      state = State.BODY_CHUNKED;
    } else if (length <= 0) {
      dispatch(EMPTY);
    } else if (in.remaining() >= length && body.length() == 0) {
      // The whole body is in this read: hand the handler a view of it, no copy.
      int end = in.position() + (int) length;
      ByteBuffer view = in.slice(in.position(), (int) length);
      in.position(end);
      dispatch(view);
    } else {
      bodyLeft = length;
      state = State.BODY_LENGTH;
    }
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

  /** A complete request: the handler answers it, then the connection goes on or ends. */
  private void dispatch(ByteBuffer requestBody) {
    HttpRequest request =
        new HttpRequest(head.method(), head.target(), head.http10(), head.fields(), requestBody.duplicate());
    writer.begin(head.keepAlive() && !server.isShuttingDown(), head.http10(), head.method().equals("HEAD"));
    try {
      server.handler().handle(request, writer);
      if (!writer.answered()) {
        writer.respond(500, "text/plain", "the handler gave no answer\n");
      }
    } catch (RuntimeException e) {
      server.handlerFailed(request, e);
      if (!writer.answered()) {
        writer.begin(false, head.http10(), false);
        writer.respond(500, "text/plain", "internal error\n");
      }
    }
    server.requestServed();
    head.reset();
    body.clear();
    if (writer.stream() != null) {
      state = State.STREAMING;
      pump();
    } else {
      exchangeDone();
    }
  }

  /** Produces stream chunks while the client keeps up. */
  private void pump() {
    while (state == State.STREAMING && !writingPaused) {
      ByteBuffer chunk;
      try {
        chunk = writer.stream().next();
      } catch (RuntimeException e) {
        server.handlerFailed(null, e);
        abort(); // the head is out: the only honest end of a broken stream is a broken connection
        return;
      }
      if (chunk == null) {
        writer.endChunks();
        exchangeDone();
      } else {
        writer.writeChunk(chunk);
      }
      writer.flush(transport); // each chunk goes out now, so the watermarks see it
    }
  }

  private void exchangeDone() {
    if (!writer.keepAlive() || server.isShuttingDown() || (peerClosed && !hasBacklog())) {
      state = State.CLOSED;
      writer.flush(transport);
      transport.close();
    } else {
      state = State.IDLE;
      deadline = server.now() + limits.idleTimeout().toNanos();
    }
  }

  /** Answers a refused request, half-closes, and starts dropping input. */
  private void refuse(HttpError e) {
    server.traceRefusal(e);
    head.reset();
    body.clear();
    writer.begin(false, false, false);
    writer.respond(e.status(), "text/plain", e.getMessage() + "\n");
    writer.flush(transport);
    backlog = null;
    state = State.LINGER;
    lingerBytes = 0;
    deadline = server.now() + LINGER_NANOS;
    if (transport.canWriteEof()) {
      transport.writeEof();
    } else {
      state = State.CLOSED;
      transport.close();
    }
  }

  private void linger(ByteBuffer data) {
    lingerBytes += data.remaining();
    data.position(data.limit());
    if (lingerBytes > LINGER_BYTES) {
      state = State.CLOSED;
      transport.close();
    }
  }

  /** Continues with requests that waited, once a stream ended or the client read its answers. */
  private void processBacklog() {
    if (backlog == null || state == State.STREAMING || writingPaused) {
      return;
    }
    process(backlog);
    if (backlog != null) {
      backlog.compact().flip();
      if (!backlog.hasRemaining() && backlog.capacity() > 64 * 1024) {
        backlog = null;
      }
    }
  }

  private boolean hasBacklog() {
    return backlog != null && backlog.hasRemaining();
  }

  /** Keeps unprocessed input until the connection can go on. */
  private void keep(ByteBuffer data) {
    if (backlog == null) {
      backlog = ByteBuffer.allocate(Math.max(4096, data.remaining()));
      backlog.flip();
    }
    if (backlog.capacity() - backlog.limit() < data.remaining()) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(backlog.capacity() * 2, backlog.remaining() + data.remaining()));
      bigger.put(backlog).flip();
      backlog = bigger;
    }
    int start = backlog.position();
    backlog.position(backlog.limit()).limit(backlog.capacity());
    backlog.put(data);
    backlog.flip().position(start);
  }

  /** Reads while requests can be taken: not while a stream runs or the client is not reading. */
  private void updateReading() {
    if (state == State.CLOSED || transport.isClosing() && state != State.LINGER) {
      return;
    }
    boolean pause = writingPaused || state == State.STREAMING || hasBacklog();
    if (pause != readingPaused) {
      readingPaused = pause;
      if (pause) {
        transport.pauseReading();
      } else {
        transport.resumeReading();
      }
    }
  }

  /**
   * Ends the connection if its current wait took too long. Called by the server's sweep.
   *
   * @param now the loop's clock
   */
  void checkDeadline(long now) {
    if (now - deadline < 0) {
      return;
    }
    switch (state) {
      case IDLE -> {
        state = State.CLOSED;
        transport.close();
      }
      case HEAD -> refuse(new HttpError(408, "request head not complete within " + limits.headTimeout()));
      case BODY_LENGTH, BODY_CHUNKED ->
          refuse(new HttpError(408, "request body not complete within " + limits.bodyTimeout()));
      case LINGER -> {
        state = State.CLOSED;
        transport.close();
      }
      case STREAMING, CLOSED -> {}
    }
    updateReading();
  }

  /**
   * The server is shutting down: an idle connection closes now; one with a request in flight
   * finishes it (its answer says {@code Connection: close}) and then closes.
   */
  void shutdown() {
    if (state == State.IDLE && !hasBacklog()) {
      state = State.CLOSED;
      transport.close();
    }
  }

  /** Closes at once, dropping what was not sent: the shutdown's grace period ran out. */
  void abort() {
    state = State.CLOSED;
    writer.discard();
    transport.abort();
  }
}
