package zloop;

/**
 * What every protocol hears from its transport: asyncio's {@code BaseProtocol}. All methods run on
 * the loop thread; an exception thrown from one (any {@link Throwable} short of a {@link
 * VirtualMachineError}) goes to the loop's exception handler with the transport and protocol and
 * closes the connection, which then hears {@code connectionLost} with that exception. The one
 * exception is {@link #connectionMade}.
 *
 * <h2>Kinds of protocol</h2>
 *
 * This interface is sealed: a protocol is one of the permitted kinds, never a bare {@code
 * BaseProtocol}, so a transport knows from the type alone how to feed it (and the compiler checks
 * that every transport handles every kind). The stream kinds are {@link Protocol} (data arrives
 * through {@code dataReceived}) and {@link BufferedProtocol} (the loop reads into the protocol's
 * own buffer). {@link DatagramProtocol} is the datagram kind (a stream transport refuses it);
 * asyncio's {@code SubprocessProtocol} joins the permits list when zloop gains that transport. An object implementing both stream kinds is
 * fed as a {@link Protocol}.
 *
 * <p>{@link ReadingFollowsWriting} is permitted too, as a mixin rather than a kind (it overrides
 * {@link #pauseWriting()} and {@link #resumeWriting()}, so it must be a subtype): mix it into a
 * {@link Protocol} or a {@link BufferedProtocol}; an object that is only a {@code
 * ReadingFollowsWriting} is refused with an {@link IllegalArgumentException}, as a bare {@code
 * BaseProtocol} was before this interface was sealed (such a class no longer compiles).
 */
public sealed interface BaseProtocol
    permits Protocol, BufferedProtocol, ReadingFollowsWriting, DatagramProtocol {

  /**
   * The connection is ready; keep the transport to write to it. Runs before any data arrives.
   *
   * <p>If it throws on a plain (not TLS) connection, the exception goes to the loop's exception
   * handler and that is all, as in asyncio (where it is a plain callback): the transport stays
   * open and starts reading, a {@code createConnection} future still completes with it, and
   * closing it is up to the application (then {@code connectionLost} gets {@code null}). Behind
   * TLS, the TLS layer calls it after the handshake and fails the connection instead, as asyncio's
   * {@code sslproto} does.
   *
   * @param transport the connection's transport
   */
  default void connectionMade(Transport transport) {}

  /**
   * The connection is gone: always the last call, always on a later loop turn than the event that
   * caused it (never inside {@code close()} or {@code dataReceived}).
   *
   * @param exception why, or {@code null} for a normal close or end of stream
   */
  default void connectionLost(Throwable exception) {}

  /** The transport's write buffer went over its high watermark: stop producing. */
  default void pauseWriting() {}

  /** The write buffer drained to its low watermark: produce again. */
  default void resumeWriting() {}
}
