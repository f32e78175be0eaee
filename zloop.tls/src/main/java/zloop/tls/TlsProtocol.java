package zloop.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.TlsOptions;
import zloop.Transport;
import zloop.WriteBufferLimits;
import zloop.internal.transport.AppProtocolCaller;
import zloop.internal.transport.ProtocolFailures;
import zloop.internal.transport.WriteFlowControl;

/**
 * The raw side of a TLS connection: asyncio's {@code SSLProtocol}. It is the raw transport's
 * protocol (a {@link BufferedProtocol}: the raw transport reads ciphertext straight into {@link
 * NetInput}), runs the {@link SSLEngine}, and serves the application through {@link TlsTransport}.
 *
 * <h2>States (asyncio's)</h2>
 *
 * <pre>
 * UNWRAPPED --connectionMade--> DO_HANDSHAKE --done--> WRAPPED --close / close_notify / EOF-->
 * FLUSHING (backlog wrapped) --> SHUTDOWN (close_notify sent, the peer's awaited) --> raw closed
 * </pre>
 *
 * Any failure goes back to UNWRAPPED and closes the raw transport; the application hears {@code
 * connectionLost} with the failure (if it heard {@code connectionMade}), the connection's future
 * fails with it (if the handshake never finished). Both state enums change only through their
 * allow-lists ({@link State#allows}, {@link AppState#allows}, asyncio's {@code _set_state}
 * checks): an illegal transition throws {@link IllegalStateException} naming from and to.
 *
 * <h2>Application failures</h2>
 *
 * Whatever the application's protocol throws from a call the TLS layer makes ({@code
 * connectionMade}, {@code dataReceived}, {@code getBuffer}/{@code bufferUpdated}, {@code
 * eofReceived}), any {@link Throwable} short of a {@link VirtualMachineError} ({@link
 * AppProtocolCaller}, shared with the engine's stream transport), is a fatal error of the
 * connection, as asyncio's {@code
 * sslproto._fatal_error}: the exception handler hears of it with the TLS transport and the
 * application's protocol, the raw transport is aborted (no close_notify), the application hears
 * {@code connectionLost} with it. A throwing {@code connectionMade} fails the connection too (on a
 * plain connection it does not): a client's connection future fails with the error. Failures in
 * {@code pauseWriting}, {@code resumeWriting} and {@code connectionLost} are only reported.
 * Pausing and resuming the application's writing is the same {@link WriteFlowControl} the engine's
 * stream transport uses.
 *
 * <h2>Re-entrancy</h2>
 *
 * Every event runs the state machine through {@link #process()}, which is not re-entered: an
 * event that arrives from inside an application callback (a {@code close()} in {@code
 * dataReceived}) marks the machine to run again once the callback returns.
 *
 * <p>Loop thread only.
 */
final class TlsProtocol implements BufferedProtocol, ProtocolFailures {
  private static final System.Logger LOG = System.getLogger("zloop.tls");

  /** The JDK's record sizes (TLS 1.2 and 1.3); an engine that needs more makes the buffers grow. */
  static final int PACKET_SIZE = 16_709;

  static final int APP_SIZE = 16_704;

  /** Buffers hold four records: one raw read or write moves up to ~64 KiB. */
  static final int BUFFER_SIZE = 4 * PACKET_SIZE;

  /** Above this much unprocessed ciphertext, reading stops while nothing consumes it. */
  private static final int NET_HIGH_WATER = BUFFER_SIZE;

  /** asyncio's {@code LOG_THRESHOLD_FOR_CONNLOST_WRITES}. */
  private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

  enum State {
    UNWRAPPED,
    DO_HANDSHAKE,
    WRAPPED,
    FLUSHING,
    SHUTDOWN;

    /** asyncio's allow-list: forward one step at a time, or back to UNWRAPPED from anywhere. */
    boolean allows(State next) {
      return switch (next) {
        case UNWRAPPED -> true;
        case DO_HANDSHAKE -> this == UNWRAPPED;
        case WRAPPED -> this == DO_HANDSHAKE;
        case FLUSHING -> this == WRAPPED;
        case SHUTDOWN -> this == FLUSHING;
      };
    }
  }

  /** What the application has heard (asyncio's {@code AppProtocolState}). */
  enum AppState {
    INIT,
    MADE,
    EOF,
    LOST;

    /** asyncio's order: made, maybe end of stream, lost; each heard once. */
    boolean allows(AppState next) {
      return switch (next) {
        case INIT -> false;
        case MADE -> this == INIT;
        case EOF -> this == MADE;
        case LOST -> this == MADE || this == EOF;
      };
    }
  }

  private final EventLoop loop;
  private final TlsOptions options;
  private final boolean serverSide;
  private final String serverHostname;
  private final Future<Transport> established;
  private final TlsTransport appTransport;
  private final BufferPool pool;
  private final NetInput net;
  private final Inbound inbound;
  private final Outbound outbound;
  private final DelegatedTasks tasks;
  private final Deadline handshakeDeadline;
  private final Deadline shutdownDeadline;
  private final ByteBuffer[] single = new ByteBuffer[1];
  private final ToApp toApp = new ToApp();
  private final AppProtocolCaller app = new AppProtocolCaller(this);
  private final WriteFlowControl appWriting = new WriteFlowControl(app);

  private Transport raw;
  private SSLEngine engine;
  private SSLContext context;
  private boolean tls13;

  private State state = State.UNWRAPPED;
  private AppState appState;
  private boolean handshakeDone;
  /** The raw transport reported end of stream. */
  private boolean eofReceived;
  /** The application closed or aborted (or the TLS layer started closing): no more writes. */
  private boolean appClosed;
  private boolean appReadingPaused;
  private boolean rawReadingPaused;
  /** The raw transport was asked to close or abort. */
  private boolean rawClosed;
  /** The raw transport's connectionLost arrived: nothing more happens. */
  private boolean lost;
  private int connLostWrites;
  /** Why the TLS layer ended the connection; given to the application's connectionLost. */
  private Throwable failure;
  private boolean busy;
  private boolean again;

  /**
   * @param serverHostname a client's server name ({@code ""}: none)
   * @param appConnected the application already heard connectionMade (start_tls): it does not
   *     hear it again
   */
  TlsProtocol(
      EventLoop loop,
      BaseProtocol app,
      TlsOptions options,
      boolean serverSide,
      String serverHostname,
      boolean appConnected) {
    this.loop = loop;
    this.options = options;
    this.serverSide = serverSide;
    this.serverHostname = serverHostname;
    setAppProtocol(app);
    this.appState = appConnected ? AppState.MADE : AppState.INIT;
    this.established = loop.createFuture();
    this.appTransport = new TlsTransport(this);
    this.pool = BufferPool.of(loop, BUFFER_SIZE);
    this.net = new NetInput(BUFFER_SIZE, PACKET_SIZE);
    this.inbound = new Inbound(pool, net, APP_SIZE);
    this.outbound = new Outbound(pool, PACKET_SIZE);
    this.tasks = new DelegatedTasks(loop);
    this.handshakeDeadline = new Deadline(loop);
    this.shutdownDeadline = new Deadline(loop);
    this.context = options.context();
  }

  Future<Transport> established() {
    return established;
  }

  // ================================================================ raw side (BufferedProtocol)

  @Override
  public void connectionMade(Transport transport) {
    raw = transport;
    outbound.attach(transport);
    appWriting.adopt(transport.getWriteBufferLimits()); // start_tls: whatever was set on it
    moveTo(State.DO_HANDSHAKE);
    handshakeDeadline.start(options.handshakeTimeout(), this::handshakeTimedOut);
    if (!serverSide || options.contextForName() == null) {
      try {
        createEngine(options.context());
      } catch (SSLException e) {
        fail(e, "TLS setup failed", false);
        return;
      } catch (Throwable e) {
        fail(AppProtocolCaller.survivable(e), "TLS setup failed", false);
        return;
      }
    }
    process();
  }

  private void createEngine(SSLContext ctx) throws SSLException {
    context = ctx;
    engine = EngineFactory.create(ctx, options, serverSide, serverHostname, peerPort());
    engine.beginHandshake();
  }

  private int peerPort() {
    return raw.getExtraInfo("peername") instanceof InetSocketAddress a ? a.getPort() : -1;
  }

  @Override
  public ByteBuffer getBuffer(int sizeHint) {
    return net.forKernel();
  }

  @Override
  public void bufferUpdated(int nbytes) {
    net.filled(nbytes);
    process();
  }

  @Override
  public boolean eofReceived() {
    eofReceived = true;
    process();
    return true; // the TLS layer closes the raw transport itself, once it is done with it
  }

  @Override
  public void connectionLost(Throwable exception) {
    lost = true;
    Throwable reason = failure != null ? failure : exception;
    if (!handshakeDone) {
      reason = handshakeFailure(reason);
    }
    moveTo(State.UNWRAPPED);
    appClosed = true;
    rawClosed = true;
    handshakeDeadline.cancel();
    shutdownDeadline.cancel();
    outbound.clear();
    inbound.release();
    net.discard();
    if (handshakeDone && (appState == AppState.MADE || appState == AppState.EOF)) {
      moveTo(AppState.LOST);
      app.connectionLost(reason);
    }
    if (!established.isDone()) {
      established.setException(reason);
    }
  }

  /** The raw transport's buffer went over its high watermark. */
  @Override
  public void pauseWriting() {
    controlAppWriting();
  }

  /** The raw transport's buffer drained to its low watermark. */
  @Override
  public void resumeWriting() {
    if (outbound.hasBacklog()) {
      process();
    }
    controlAppWriting();
  }

  // ================================================================ the state machine

  /** Runs the state machine as far as it goes now; see "Re-entrancy" in the class comment. */
  private void process() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        step();
      } while (again && state != State.UNWRAPPED);
    } catch (SSLException e) {
      fail(e, "Fatal error on TLS protocol", true);
    } catch (Throwable e) {
      fail(AppProtocolCaller.survivable(e), "Fatal error on TLS protocol", false);
    } finally {
      busy = false;
      outbound.flush();
      updateRawReading();
    }
  }

  private void step() throws SSLException {
    switch (state) {
      case DO_HANDSHAKE -> stepHandshake();
      case WRAPPED -> stepWrapped();
      case FLUSHING -> stepFlushing();
      case SHUTDOWN -> stepShutdown();
      case UNWRAPPED -> {
        net.discard();
        if (eofReceived && raw != null) {
          closeRaw();
        }
      }
    }
  }

  private void stepHandshake() throws SSLException {
    if (tasks.running() || (engine == null && !selectContext())) {
      return;
    }
    while (state == State.DO_HANDSHAKE) {
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP -> {
          Outbound.Progress p = outbound.wrapHandshake(engine);
          if (p == Outbound.Progress.TASKS) {
            startTasks();
            return;
          }
          if (p == Outbound.Progress.CLOSED) {
            throw new SSLHandshakeException("the TLS engine closed during the handshake");
          }
          if (p == Outbound.Progress.BLOCKED) {
            return; // the engine produced nothing: wait for input (bounded by the timeout)
          }
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          Inbound.Outcome o = inbound.unwrapHandshake(engine);
          if (o == Inbound.Outcome.PEER_CLOSED) {
            throw new SSLHandshakeException("the peer closed the TLS connection during the handshake");
          }
          if (o == Inbound.Outcome.NEED_DATA) {
            if (eofReceived) {
              throw closedDuringHandshake();
            }
            return;
          }
        }
        case NEED_TASK -> {
          startTasks();
          return;
        }
        case FINISHED, NOT_HANDSHAKING -> {
          handshakeComplete();
          return;
        }
      }
    }
  }

  /** A server with an SNI selector makes its engine once the ClientHello says which name. */
  private boolean selectContext() throws SSLException {
    ClientHelloSni.Result r = ClientHelloSni.parse(net.data());
    if (r instanceof ClientHelloSni.NeedMore) {
      if (eofReceived) {
        throw closedDuringHandshake();
      }
      return false;
    }
    SSLContext chosen = null;
    if (r instanceof ClientHelloSni.Hello hello) {
      chosen = options.contextForName().apply(hello.serverName());
    }
    // Not a ClientHello: the default context's engine will say what is wrong with the bytes.
    createEngine(chosen != null ? chosen : options.context());
    return true;
  }

  private void handshakeComplete() {
    handshakeDeadline.cancel();
    moveTo(State.WRAPPED);
    handshakeDone = true;
    tls13 = "TLSv1.3".equals(engine.getSession().getProtocol());
    if (loop.getDebug()) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "{0}: TLS handshake done ({1}, {2})",
          appTransport,
          engine.getSession().getProtocol(),
          engine.getSession().getCipherSuite());
    }
    if (appState == AppState.INIT) {
      moveTo(AppState.MADE);
      app.connectionMade(appTransport, true); // behind TLS a failure ends the connection
    }
    if (!established.isDone()) {
      established.setResult(appTransport);
    }
    again = true; // deliver what came with the handshake, send what the application wrote
  }

  private void stepWrapped() throws SSLException {
    if (tasks.running()) {
      return;
    }
    if (outbound.hasBacklog()) {
      Outbound.Progress p = outbound.flushBacklog(engine);
      if (p == Outbound.Progress.TASKS) {
        startTasks();
        return;
      }
      controlAppWriting();
    }
    Inbound.Outcome o = inbound.deliver(engine, toApp);
    if (state != State.WRAPPED) {
      return; // the application closed, or the connection failed, during a callback
    }
    switch (o) {
      case NEED_DATA -> {
        if (eofReceived) {
          endOfStream();
        }
      }
      case PEER_CLOSED -> {
        callEofReceived();
        startShutdown();
      }
      case HANDSHAKING -> postHandshake();
      case PAUSED -> {}
    }
  }

  /**
   * The raw transport ended without {@code close_notify}. In the middle of a record that is a
   * truncation; between records it is taken as the end, as asyncio does ({@code
   * suppress_ragged_eofs}): many peers close TCP without it.
   */
  private void endOfStream() throws SSLException {
    if (!net.isEmpty()) {
      throw new SSLException(
          "the peer closed the connection in the middle of a TLS record (truncated record, "
              + net.data().remaining()
              + " bytes of it arrived)");
    }
    callEofReceived();
    startShutdown();
  }

  /**
   * The engine wants to wrap or run tasks after the handshake. In TLS 1.3 that is a key update or
   * a session ticket; before it, only a renegotiation, which zloop refuses.
   */
  private void postHandshake() throws SSLException {
    if (!tls13) {
      throw renegotiationRefused();
    }
    if (driveEngine()) {
      again = true;
    }
  }

  /**
   * Renegotiation (TLS 1.2 and older) reopens everything the handshake settled and has a history
   * of attacks; asyncio cannot do it either. The connection ends with this error, after the alert
   * or close_notify the engine produces.
   */
  private SSLException renegotiationRefused() {
    return new SSLException(
        "TLS renegotiation refused: the peer started a new handshake on this "
            + engine.getSession().getProtocol()
            + " connection, and zloop does not renegotiate");
  }

  /** Runs a post-handshake step; false if it must wait (tasks started, or no progress). */
  private boolean driveEngine() throws SSLException {
    switch (engine.getHandshakeStatus()) {
      case NEED_TASK -> {
        startTasks();
        return false;
      }
      case NEED_WRAP -> {
        Outbound.Progress p = outbound.wrapHandshake(engine);
        if (p == Outbound.Progress.TASKS) {
          startTasks();
          return false;
        }
        return p == Outbound.Progress.DONE;
      }
      default -> {
        return true;
      }
    }
  }

  /** Starts closing: asyncio's {@code _start_shutdown}. */
  private void startShutdown() {
    appClosed = true;
    switch (state) {
      case DO_HANDSHAKE -> abort(null);
      case WRAPPED -> {
        moveTo(State.FLUSHING);
        shutdownDeadline.start(options.shutdownTimeout(), this::shutdownTimedOut);
        process();
      }
      default -> {}
    }
  }

  /** Sends what the application wrote before closing, dropping what arrives meanwhile. */
  private void stepFlushing() throws SSLException {
    if (tasks.running() || !readIntoVoid()) {
      return;
    }
    Outbound.Progress p = outbound.flushBacklog(engine);
    if (p == Outbound.Progress.TASKS) {
      startTasks();
    } else if (p != Outbound.Progress.BLOCKED) {
      moveTo(State.SHUTDOWN);
      again = true;
    }
    // BLOCKED: the engine waits for the peer; the shutdown timer bounds that
  }

  /** Sends close_notify, then waits for the peer's (or its end of stream). */
  private void stepShutdown() throws SSLException {
    if (tasks.running()) {
      return;
    }
    if (!eofReceived && !engine.isOutboundDone()) {
      outbound.wrapClose(engine);
    }
    if (!readIntoVoid()) {
      return;
    }
    if (eofReceived || engine.isInboundDone()) {
      closeRaw();
    }
  }

  /**
   * Unwraps and drops incoming records while closing. False if the engine must do something
   * first (tasks started).
   */
  private boolean readIntoVoid() throws SSLException {
    while (!eofReceived && !engine.isInboundDone()) {
      Inbound.Outcome o = inbound.discard(engine);
      if (o != Inbound.Outcome.HANDSHAKING) {
        return true;
      }
      if (!tls13) {
        throw renegotiationRefused();
      }
      if (engine.isOutboundDone() || !driveEngine()) {
        return !tasks.running();
      }
    }
    net.discard();
    return true;
  }

  private void closeRaw() {
    if (rawClosed) {
      return;
    }
    rawClosed = true;
    outbound.flush();
    raw.close();
    // A graceful close waits until the kernel took the buffered bytes: bound that as well.
    if (!shutdownDeadline.armed()) {
      shutdownDeadline.start(options.shutdownTimeout(), this::shutdownTimedOut);
    }
  }

  private void startTasks() {
    tasks.start(
        engine,
        this::process,
        t -> fail(t, "TLS delegated task failed", t instanceof SSLException));
    updateRawReading();
  }

  // ================================================================ failures and timeouts

  private void handshakeTimedOut() {
    if (state != State.DO_HANDSHAKE || lost) {
      return;
    }
    String after = Deadline.describe(options.handshakeTimeout());
    SSLHandshakeException e =
        new SSLHandshakeException(
            "TLS handshake timed out after " + after + ": aborting the connection");
    e.initCause(new SocketTimeoutException("TLS handshake timed out after " + after));
    fail(e, "TLS handshake timed out", false);
  }

  private void shutdownTimedOut() {
    if (lost) {
      return;
    }
    if (failure == null) {
      String after = Deadline.describe(options.shutdownTimeout());
      failure =
          new SSLException(
              "TLS shutdown timed out after " + after + ": the peer never answered close_notify",
              new SocketTimeoutException("TLS shutdown timed out after " + after));
    }
    moveTo(State.UNWRAPPED);
    rawClosed = true;
    outbound.clear();
    raw.abort();
  }

  /**
   * asyncio's {@code _fatal_error}: the connection ends with {@code e}. TLS errors are routine
   * (bad peers) and only end the connection, after the alert the engine queued is sent (when
   * {@code sendAlert}); anything else is also reported to the exception handler.
   */
  private void fail(Throwable e, String message, boolean sendAlert) {
    if (lost || failure != null) {
      return;
    }
    failure = handshakeDone ? e : handshakeFailure(e);
    moveTo(State.UNWRAPPED);
    appClosed = true;
    handshakeDeadline.cancel();
    if (!(e instanceof IOException)) {
      report(message, e);
    } else if (loop.getDebug()) {
      LOG.log(System.Logger.Level.DEBUG, appTransport + ": " + message, e);
    }
    if (!established.isDone()) {
      established.setException(failure);
    }
    if (raw == null || rawClosed) {
      return;
    }
    if (sendAlert && engine != null) {
      try {
        outbound.wrapClose(engine); // the alert the failed engine queued, or close_notify
      } catch (SSLException | RuntimeException ignored) {
        // nothing more to say to the peer
      }
      closeRaw();
    } else {
      rawClosed = true;
      outbound.clear();
      raw.abort();
    }
  }

  /** A failure during the handshake, as an {@link SSLHandshakeException} with a clear message. */
  private static SSLHandshakeException handshakeFailure(Throwable e) {
    if (e instanceof SSLHandshakeException h) {
      return h;
    }
    if (e == null) {
      return closedDuringHandshake();
    }
    SSLHandshakeException h =
        new SSLHandshakeException(
            (e instanceof SSLException ? "TLS handshake failed: " : "connection lost during the TLS handshake: ")
                + e.getMessage());
    h.initCause(e);
    return h;
  }

  private static SSLHandshakeException closedDuringHandshake() {
    return new SSLHandshakeException("the peer closed the connection during the TLS handshake");
  }

  /** The application's protocol failed (through {@link AppProtocolCaller}): end the connection. */
  @Override
  public void fatal(String message, Throwable e) {
    fail(e, message, false);
  }

  @Override
  public void report(String message, Throwable e) {
    loop.callExceptionHandler(
        new ExceptionContext(message, e, null, null, appTransport, app.protocol()));
  }

  private void moveTo(State next) {
    if (!state.allows(next)) {
      throw new IllegalStateException("TLS protocol: illegal transition " + state + " -> " + next);
    }
    state = next;
  }

  private void moveTo(AppState next) {
    if (!appState.allows(next)) {
      throw new IllegalStateException(
          "TLS application protocol: illegal transition " + appState + " -> " + next);
    }
    appState = next;
  }

  /** The TLS state, for tests and debugging. */
  State state() {
    return state;
  }

  // ================================================================ flow control

  /**
   * Reads from the raw transport unless ciphertext piles up that nothing consumes now (the
   * application paused, or the engine's tasks run): asyncio's incoming high-water mark.
   */
  private void updateRawReading() {
    if (raw == null || rawClosed || lost) {
      return;
    }
    boolean stalled = tasks.running() || (state == State.WRAPPED && appReadingPaused);
    boolean want = !stalled || net.data().remaining() < NET_HIGH_WATER;
    if (want && rawReadingPaused) {
      rawReadingPaused = false;
      raw.resumeReading();
    } else if (!want && !rawReadingPaused) {
      rawReadingPaused = true;
      raw.pauseReading();
    }
  }

  /** Pauses or resumes the application's writing at the raw transport's watermarks. */
  private void controlAppWriting() {
    if (raw == null || appClosed || (appState != AppState.MADE && appState != AppState.EOF)) {
      return;
    }
    appWriting.update(writeBufferSize());
  }

  // ================================================================ application side (TlsTransport)

  void appWrite(ByteBuffer data) {
    single[0] = data;
    try {
      appWrite(single);
    } finally {
      single[0] = null;
    }
  }

  void appWrite(ByteBuffer[] data) {
    if (appClosed || state == State.UNWRAPPED || state == State.FLUSHING || state == State.SHUTDOWN) {
      if (connLostWrites >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        LOG.log(System.Logger.Level.WARNING, "TLS connection is closed");
      }
      connLostWrites++;
      for (ByteBuffer b : data) {
        b.position(b.limit());
      }
      return;
    }
    boolean canWrap = state == State.WRAPPED && !tasks.running();
    try {
      Outbound.Progress p = outbound.write(engine, data, canWrap);
      if (p == Outbound.Progress.TASKS) {
        startTasks();
      }
    } catch (SSLException e) {
      fail(e, "Fatal error on TLS protocol", true);
    } catch (Throwable e) {
      fail(AppProtocolCaller.survivable(e), "Fatal error on TLS protocol", false);
    }
    if (!busy) {
      outbound.flush();
    }
    controlAppWriting();
  }

  long writeBufferSize() {
    return (raw != null ? raw.getWriteBufferSize() : 0) + outbound.backlogBytes();
  }

  WriteBufferLimits writeBufferLimits() {
    return appWriting.limits();
  }

  /** Sets the application's watermarks and the raw transport's (they stay the same). */
  void setWriteBufferLimits(WriteBufferLimits limits) {
    appWriting.setLimits(limits); // refuses bad values before anything changes
    raw.setWriteBufferLimits(limits);
    controlAppWriting();
  }

  void appClose() {
    if (!appClosed) {
      startShutdown();
    }
  }

  void appAbort() {
    appClosed = true;
    abort(null);
  }

  private void abort(Throwable e) {
    if (lost) {
      return;
    }
    if (e != null && failure == null) {
      failure = e;
    }
    moveTo(State.UNWRAPPED);
    handshakeDeadline.cancel();
    rawClosed = true;
    outbound.clear();
    if (raw != null) {
      raw.abort(); // also cuts short a graceful close under way
    }
  }

  boolean appClosing() {
    return appClosed;
  }

  boolean appReading() {
    return !appReadingPaused && !appClosed;
  }

  void appPauseReading() {
    if (appClosed || appReadingPaused) {
      return;
    }
    appReadingPaused = true;
    updateRawReading();
  }

  void appResumeReading() {
    if (appClosed || !appReadingPaused) {
      return;
    }
    appReadingPaused = false;
    // asyncio delivers what waits on the next turn, never inside resume_reading()
    loop.callSoon(
        () -> {
          if (!lost) {
            process();
          }
        });
  }

  Object extraInfo(String name) {
    if (TlsInfo.NAMES.contains(name)) {
      return TlsInfo.get(name, engine, context, handshakeDone);
    }
    return raw != null ? raw.getExtraInfo(name) : null;
  }

  BaseProtocol appProtocol() {
    return app.protocol();
  }

  void setAppProtocol(BaseProtocol protocol) {
    app.set(protocol);
  }

  private void callEofReceived() {
    if (appState != AppState.MADE) {
      return;
    }
    moveTo(AppState.EOF);
    // The answer does not matter: TLS connections are not kept half-open (as in asyncio).
    boolean ignored = app.eofReceived();
  }

  // ================================================================ Inbound.Sink

  /** The application as {@link Inbound} sees it: each call guarded, failures end the connection. */
  private final class ToApp implements Inbound.Sink {
    @Override
    public boolean reading() {
      return state == State.WRAPPED && !appReadingPaused && !lost;
    }

    @Override
    public boolean buffered() {
      return app.isBuffered();
    }

    @Override
    public void dataReceived(ByteBuffer view) {
      app.dataReceived(view);
    }

    @Override
    public ByteBuffer getBuffer() {
      return app.getBuffer(-1);
    }

    @Override
    public void bufferUpdated(int n) {
      app.bufferUpdated(n);
    }
  }

  @Override
  public String toString() {
    return "TlsProtocol[" + (serverSide ? "server" : "client") + ", " + state + "]";
  }
}
