package zloop.backend.nio;

import static java.nio.channels.SelectionKey.OP_ACCEPT;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import zloop.engine.spi.AcceptHandler;

/**
 * The listening role of a {@link NioSocket}: accepts up to {@link #ACCEPTS_PER_EVENT} connections
 * per readiness event, so one busy listener cannot starve the loop.
 *
 * <p>Options a {@link ServerSocketChannel} does not have but a stream does ({@code TCP_NODELAY},
 * {@code SO_KEEPALIVE}, ...) are accepted on the listener and set on every socket it accepts, as
 * Linux's accepted sockets inherit them from the listener.
 *
 * <p><b>Caveats:</b> NIO reports no errno, so running out of descriptors or memory is recognised
 * by the JDK's message ({@code strerror} text), see {@link #isResourceExhaustion}.
 */
final class NioAcceptor {
  static final int ACCEPTS_PER_EVENT = 128;

  private final NioSocket socket;
  private final NioBackend backend;
  private final NioFamily family;
  private final ServerSocketChannel channel;
  private final SavedOptions inherited;
  private AcceptHandler handler;

  NioAcceptor(
      NioSocket socket,
      NioBackend backend,
      NioFamily family,
      ServerSocketChannel channel,
      SavedOptions inherited) {
    this.socket = socket;
    this.backend = backend;
    this.family = family;
    this.channel = channel;
    this.inherited = inherited;
  }

  int interestOps() {
    return handler != null ? OP_ACCEPT : 0;
  }

  void start(AcceptHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    socket.interestChanged();
  }

  void stop() {
    handler = null;
    socket.interestChanged();
  }

  <T> void setOption(SocketOption<T> option, T value) throws IOException {
    if (!channel.supportedOptions().contains(option) && family.streamOptions().contains(option)) {
      inherited.put(option, value);
    } else {
      channel.setOption(option, value);
    }
  }

  <T> T getOption(SocketOption<T> option) throws IOException {
    if (!channel.supportedOptions().contains(option) && family.streamOptions().contains(option)) {
      T value = inherited.get(option);
      return value != null ? value : family.defaultValue(option);
    }
    return channel.getOption(option);
  }

  /** The listener is ready: accept what is pending, within the per-event limit. */
  void onAcceptable() {
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
      AcceptHandler h = handler;
      if (h == null || socket.isClosed()) {
        return;
      }
      SocketChannel accepted;
      try {
        accepted = channel.accept();
      } catch (IOException e) {
        h.onAcceptError(e, isResourceExhaustion(e));
        return;
      }
      if (accepted == null) {
        return;
      }
      NioSocket wrapped;
      try {
        wrapped = adopt(accepted);
      } catch (IOException e) {
        NioSocket.closeQuietly(accepted);
        h.onAcceptError(e, false);
        continue;
      }
      h.onAccept(wrapped);
    }
  }

  private NioSocket adopt(SocketChannel accepted) throws IOException {
    accepted.configureBlocking(false);
    inherited.applyTo(accepted, null);
    return NioSocket.accepted(backend, family, accepted);
  }

  /**
   * Whether an accept failed for want of descriptors or memory ({@code EMFILE}, {@code ENFILE},
   * {@code ENOBUFS}, {@code ENOMEM}), told by glibc's {@code strerror} text since NIO gives no
   * errno.
   */
  static boolean isResourceExhaustion(IOException e) {
    String message = e.getMessage();
    return message != null
        && (message.contains("Too many open files") // EMFILE, and ENFILE's "... in system"
            || message.contains("No buffer space available")
            || message.contains("Cannot allocate memory"));
  }
}
