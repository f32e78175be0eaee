package zloop.internal.transport;

import java.nio.ByteBuffer;
import java.util.Objects;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.DatagramProtocol;
import zloop.Protocol;
import zloop.ReadingFollowsWriting;
import zloop.Transport;

/**
 * Calls the application's stream protocol for a transport, under one rule for what it throws:
 * any {@link Throwable} short of a {@link VirtualMachineError} goes to the transport's {@link
 * ProtocolFailures}; a failed {@code dataReceived}, {@code getBuffer}, {@code bufferUpdated} or
 * {@code eofReceived} ends the connection, a failed {@code pauseWriting}, {@code resumeWriting} or
 * {@code connectionLost} is only reported, and {@code connectionMade} is either, as the transport
 * says. A {@link VirtualMachineError} goes on up: the loop must not survive it.
 *
 * <p>The protocol's kind (sealed {@link BaseProtocol}) is decided once, in {@link #set}; the calls
 * on the read path are then a field compare and a direct call, no allocation.
 *
 * <p>Loop thread only.
 */
public final class AppProtocolCaller {
  private final ProtocolFailures failures;
  private BaseProtocol protocol;
  /** The protocol if it receives through {@code dataReceived}, else {@code null}. */
  private Protocol plain;
  /** The protocol if it receives through {@code getBuffer}/{@code bufferUpdated}, else {@code null}. */
  private BufferedProtocol buffered;

  public AppProtocolCaller(ProtocolFailures failures) {
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  /** Returns {@code failure}, or rethrows it if the loop must not survive it. */
  public static Throwable survivable(Throwable failure) {
    if (failure instanceof VirtualMachineError e) {
      throw e;
    }
    return failure;
  }

  /**
   * Makes {@code newProtocol} the one that hears events from now on.
   *
   * @throws NullPointerException if it is {@code null}
   */
  public void set(BaseProtocol newProtocol) {
    // Exhaustive over the sealed kinds: a new kind of protocol does not compile here until
    // transports say how it is fed. A class implementing both stream kinds is a plain Protocol.
    switch (requireStreamProtocol(newProtocol)) {
      case Protocol p -> {
        plain = p;
        buffered = null;
      }
      case BufferedProtocol b -> {
        plain = null;
        buffered = b;
      }
      case ReadingFollowsWriting r -> throw new AssertionError(r); // refused just above
      case DatagramProtocol d -> throw new AssertionError(d); // refused just above
    }
    protocol = newProtocol;
  }

  /**
   * Checks that a stream transport can feed {@code p}.
   *
   * @return {@code p}
   * @throws NullPointerException if it is {@code null}
   * @throws IllegalArgumentException if it is a {@link ReadingFollowsWriting} and neither stream
   *     kind, or a {@link DatagramProtocol}
   */
  public static BaseProtocol requireStreamProtocol(BaseProtocol p) {
    Objects.requireNonNull(p, "protocol");
    return switch (p) {
      case Protocol plainKind -> plainKind;
      case BufferedProtocol bufferedKind -> bufferedKind;
      case ReadingFollowsWriting mixinOnly ->
          throw new IllegalArgumentException(
              "a stream protocol must implement Protocol or BufferedProtocol"
                  + " (ReadingFollowsWriting is only a mixin): "
                  + mixinOnly);
      case DatagramProtocol datagramKind ->
          throw new IllegalArgumentException(
              "a DatagramProtocol cannot serve a stream connection: " + datagramKind);
    };
  }

  public BaseProtocol protocol() {
    return protocol;
  }

  /** Whether the protocol receives into its own buffer ({@link BufferedProtocol}). */
  public boolean isBuffered() {
    return buffered != null;
  }

  /**
   * {@code connectionMade}.
   *
   * @param fatal whether a failure ends the connection (TLS) or is only reported (a plain
   *     transport, as in asyncio)
   * @return false if it threw
   */
  public boolean connectionMade(Transport transport, boolean fatal) {
    try {
      protocol.connectionMade(transport);
      return true;
    } catch (Throwable t) {
      String message = "Exception in protocol.connectionMade()";
      if (fatal) {
        failures.fatal(message, survivable(t));
      } else {
        failures.report(message, survivable(t));
      }
      return false;
    }
  }

  /** {@code dataReceived}; only for a plain {@link Protocol} ({@link #isBuffered()} false). */
  public void dataReceived(ByteBuffer data) {
    try {
      plain.dataReceived(data);
    } catch (Throwable t) {
      failures.fatal("Fatal error: protocol.dataReceived() call failed.", survivable(t));
    }
  }

  /**
   * {@code getBuffer}, checked: a buffer that is {@code null}, full or read-only is the
   * protocol's failure. Only for a {@link BufferedProtocol}.
   *
   * @return the buffer, or {@code null} if the call failed (the connection is ending)
   */
  public ByteBuffer getBuffer(int sizeHint) {
    try {
      ByteBuffer b = buffered.getBuffer(sizeHint);
      if (b == null || !b.hasRemaining()) {
        throw new IllegalStateException("getBuffer() returned an empty buffer");
      }
      if (b.isReadOnly()) {
        throw new IllegalStateException("getBuffer() returned a read-only buffer");
      }
      return b;
    } catch (Throwable t) {
      failures.fatal("Fatal error: protocol.getBuffer() call failed.", survivable(t));
      return null;
    }
  }

  /** {@code bufferUpdated}; only for a {@link BufferedProtocol}. */
  public void bufferUpdated(int nbytes) {
    try {
      buffered.bufferUpdated(nbytes);
    } catch (Throwable t) {
      failures.fatal("Fatal error: protocol.bufferUpdated() call failed.", survivable(t));
    }
  }

  /**
   * {@code eofReceived} of either kind.
   *
   * @return the protocol's answer (true: keep the connection half-open); true as well if it threw,
   *     since the failure already ends the connection and there is nothing left to close
   */
  public boolean eofReceived() {
    try {
      return plain != null ? plain.eofReceived() : buffered.eofReceived();
    } catch (Throwable t) {
      failures.fatal("Fatal error: protocol.eofReceived() call failed.", survivable(t));
      return true;
    }
  }

  /** {@code connectionLost}: always the last call; a failure is only reported. */
  public void connectionLost(Throwable exception) {
    try {
      protocol.connectionLost(exception);
    } catch (Throwable t) {
      failures.report("Exception in protocol.connectionLost()", survivable(t));
    }
  }

  /** {@code pauseWriting}; a failure is only reported. */
  public void pauseWriting() {
    try {
      protocol.pauseWriting();
    } catch (Throwable t) {
      failures.report("protocol.pauseWriting() failed", survivable(t));
    }
  }

  /** {@code resumeWriting}; a failure is only reported. */
  public void resumeWriting() {
    try {
      protocol.resumeWriting();
    } catch (Throwable t) {
      failures.report("protocol.resumeWriting() failed", survivable(t));
    }
  }
}
