package zloop.backend.nio;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import zloop.engine.spi.SocketKind;

/**
 * One {@link SocketKind} as NIO sees it: its protocol family and the options its two channel types
 * support. A socket's channel is created only once its role is known (see {@link NioSocket}), so
 * options set before then are checked against what either role would accept.
 *
 * <p>{@link #probe} opens (and closes) one channel of each type, which also proves the family
 * works on this host (IPv6 may be disabled): the backend probes each kind once, on first use.
 *
 * @param streamOptions what a {@link SocketChannel} of this family supports
 * @param listenerOptions what a {@link ServerSocketChannel} of this family supports
 */
record NioFamily(
    SocketKind kind,
    ProtocolFamily protocol,
    Set<SocketOption<?>> streamOptions,
    Set<SocketOption<?>> listenerOptions) {

  static NioFamily probe(SocketKind kind) throws IOException {
    ProtocolFamily protocol = kind.family();
    try (SocketChannel stream = SocketChannel.open(protocol);
        ServerSocketChannel listener = ServerSocketChannel.open(protocol)) {
      return new NioFamily(
          kind,
          protocol,
          Set.copyOf(stream.supportedOptions()),
          Set.copyOf(listener.supportedOptions()));
    }
  }

  /** Whether a socket of this family in either role accepts {@code option}. */
  boolean supports(SocketOption<?> option) {
    return streamOptions.contains(option) || listenerOptions.contains(option);
  }

  /** A new non-blocking stream channel. */
  SocketChannel openStream() throws IOException {
    return nonBlocking(SocketChannel.open(protocol));
  }

  /** A new non-blocking listener channel. */
  ServerSocketChannel openListener() throws IOException {
    return nonBlocking(ServerSocketChannel.open(protocol));
  }

  /** {@code channel} made non-blocking, or closed if that fails. */
  private static <C extends SelectableChannel> C nonBlocking(C channel) throws IOException {
    try {
      channel.configureBlocking(false);
      return channel;
    } catch (IOException | RuntimeException e) {
      NioSocket.closeQuietly(channel);
      throw e;
    }
  }

  /**
   * The value a fresh stream socket of this family has for {@code option} (a listener's, for an
   * option only listeners have): what {@code getOption} reports before the channel exists. Opens a
   * throwaway channel; not for hot paths.
   */
  <T> T defaultValue(SocketOption<T> option) throws IOException {
    if (streamOptions.contains(option)) {
      try (SocketChannel channel = SocketChannel.open(protocol)) {
        return channel.getOption(option);
      }
    }
    try (ServerSocketChannel channel = ServerSocketChannel.open(protocol)) {
      return channel.getOption(option);
    }
  }
}
