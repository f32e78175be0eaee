package zloop.backend.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import zloop.engine.spi.DatagramHandle;
import zloop.engine.spi.DatagramHandler;

/**
 * A datagram socket of the NIO backend: a non-blocking {@link DatagramChannel} registered with the
 * backend's selector, this object attached to its key. Datagrams are received one {@code receive}
 * at a time (the JDK has no batch call) into the backend's shared receive buffer, up to {@value
 * #RECEIVES_PER_READY} per readiness report; the selector reports a socket with more waiting
 * again at the next poll.
 *
 * <p><b>Caveats:</b> no Unix datagram sockets (the JDK's {@code DatagramChannel} is IP only); an
 * ICMP error reaches a connected channel as a {@link java.net.PortUnreachableException} from the
 * JDK, as on the native backends; an empty datagram cannot be sent on a connected channel (the
 * JDK sends nothing for it), so that send fails with a {@link SocketException} instead of
 * vanishing. {@link #fd()} is -1.
 */
final class NioDatagram implements DatagramHandle {
  static final int RECEIVES_PER_READY = 64;

  private final NioBackend backend;
  private final DatagramChannel channel;
  private final SelectionKey key;
  private DatagramHandler handler;
  private Runnable readWaiter;
  private Runnable writeWaiter;
  private SocketAddress lastSender;
  private boolean closed;

  private NioDatagram(NioBackend backend, DatagramChannel channel) throws IOException {
    this.backend = backend;
    this.channel = channel;
    this.key = backend.register(channel, this);
  }

  static NioDatagram open(NioBackend backend, StandardProtocolFamily family) throws IOException {
    if (family == StandardProtocolFamily.UNIX) {
      throw new UnsupportedOperationException(
          "the JDK's DatagramChannel has no Unix-domain sockets");
    }
    DatagramChannel channel = DatagramChannel.open(family);
    try {
      channel.configureBlocking(false);
      return new NioDatagram(backend, channel);
    } catch (IOException | RuntimeException e) {
      NioSocket.closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public SocketAddress localAddress() {
    try {
      SocketAddress a = channel.getLocalAddress();
      return a instanceof InetSocketAddress inet && inet.getPort() == 0 ? null : a;
    } catch (IOException e) {
      return null; // closed
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    try {
      return channel.getRemoteAddress();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public int fd() {
    return -1;
  }

  @Override
  public <T> void setOption(SocketOption<T> option, T value) throws IOException {
    channel.setOption(option, value);
  }

  @Override
  public <T> T getOption(SocketOption<T> option) throws IOException {
    return channel.getOption(option);
  }

  @Override
  public void bind(SocketAddress local) throws IOException {
    channel.bind(local);
  }

  @Override
  public void connect(SocketAddress remote) throws IOException {
    channel.connect(remote);
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    handler = null;
    readWaiter = null;
    writeWaiter = null;
    key.cancel();
    NioSocket.closeQuietly(channel);
  }

  // ------------------------------------------------------------------ readiness

  private void updateInterest() {
    if (closed) {
      return;
    }
    int ops =
        (handler != null || readWaiter != null ? SelectionKey.OP_READ : 0)
            | (writeWaiter != null ? SelectionKey.OP_WRITE : 0);
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** What the selector reported for this channel. */
  void onReady(int readyOps) {
    if ((readyOps & SelectionKey.OP_WRITE) != 0 && writeWaiter != null) {
      Runnable r = writeWaiter;
      writeWaiter = null;
      updateInterest();
      r.run();
    }
    if (closed || (readyOps & SelectionKey.OP_READ) == 0) {
      return;
    }
    if (readWaiter != null) {
      Runnable r = readWaiter;
      readWaiter = null;
      updateInterest();
      r.run();
    } else if (handler != null) {
      receiveSome();
    }
  }

  private void receiveSome() {
    for (int i = 0; i < RECEIVES_PER_READY && handler != null; i++) {
      ByteBuffer buffer = backend.receiveBuffer();
      SocketAddress sender;
      try {
        sender = channel.receive(buffer);
      } catch (IOException e) {
        handler.onError(e); // an ICMP error on a connected channel: the socket goes on
        continue;
      }
      if (sender == null) {
        return;
      }
      handler.onDatagram(backend.received(buffer.position()), sender);
    }
  }

  @Override
  public void startReading(DatagramHandler newHandler) {
    handler = Objects.requireNonNull(newHandler, "handler");
    updateInterest();
  }

  @Override
  public void stopReading() {
    handler = null;
    updateInterest();
  }

  @Override
  public int receiveNow(ByteBuffer into) throws IOException {
    requireOpen();
    int start = into.position();
    SocketAddress sender = channel.receive(into);
    if (sender == null) {
      return -1;
    }
    lastSender = sender;
    return into.position() - start;
  }

  @Override
  public SocketAddress lastSender() {
    return lastSender;
  }

  @Override
  public void awaitReadable(Runnable whenReadable) {
    readWaiter = Objects.requireNonNull(whenReadable, "whenReadable");
    updateInterest();
  }

  @Override
  public boolean sendNow(ByteBuffer data, SocketAddress target) throws IOException {
    requireOpen();
    if (!data.hasRemaining()) {
      if (channel.isConnected()) {
        // The JDK's connected channel sends nothing for no bytes (send() goes through write(),
        // which skips them): say so rather than drop the datagram silently.
        throw new SocketException(
            "the nio backend cannot send an empty datagram on a connected socket (the JDK's"
                + " DatagramChannel sends nothing for it)");
      }
      // Unconnected, the JDK sends it, with a count of 0 that cannot tell "sent" from "no room".
      channel.send(data, target);
      return true;
    }
    int n = target == null ? channel.write(data) : channel.send(data, target);
    return n > 0;
  }

  @Override
  public void awaitWritable(Runnable whenWritable) {
    writeWaiter = Objects.requireNonNull(whenWritable, "whenWritable");
    updateInterest();
  }

  private void requireOpen() throws SocketException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
  }

  @Override
  public String toString() {
    return "NioDatagram[" + localAddress() + (closed ? ", closed" : "") + "]";
  }
}
