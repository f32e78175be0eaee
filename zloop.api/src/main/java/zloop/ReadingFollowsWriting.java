package zloop;

/**
 * Back-pressure for a protocol that writes what it reads (an echo, a proxy, a request handler
 * whose answers are as big as the requests): reading stops while the transport's writing is paused,
 * and starts again when writing resumes. A peer that sends without reading then fills its own
 * socket buffers instead of this process's memory: the transport holds at most its high watermark
 * plus one read.
 *
 * <p>Without it, the obvious echo ({@code transport.write(data)} in {@code dataReceived}) buffers
 * everything such a peer sends: {@code write} never refuses bytes, it only calls {@link
 * BaseProtocol#pauseWriting()}, which does nothing by default (as in asyncio).
 *
 * <pre>{@code
 * final class Echo implements Protocol, ReadingFollowsWriting {
 *   private Transport transport;
 *   public void connectionMade(Transport t) { transport = t; }
 *   public Transport transport() { return transport; }
 *   public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * }</pre>
 *
 * <p>Mix it into a {@link Protocol} or a {@link BufferedProtocol}; it works over TLS as well (the
 * TLS transport pauses the application's writing at the raw transport's watermarks). A protocol
 * that also pauses reading for reasons of its own must override both methods: {@link
 * #resumeWriting()} resumes reading unconditionally. On its own (neither kind) it is refused: see
 * {@link BaseProtocol}.
 */
public non-sealed interface ReadingFollowsWriting extends BaseProtocol {

  /**
   * The transport given to {@code connectionMade}, or {@code null} before it.
   *
   * @return the transport, or {@code null}
   */
  Transport transport();

  /** Stops reading: the write buffer went over its high watermark. */
  @Override
  default void pauseWriting() {
    Transport t = transport();
    if (t != null) {
      t.pauseReading();
    }
  }

  /** Reads again: the write buffer drained to its low watermark. */
  @Override
  default void resumeWriting() {
    Transport t = transport();
    if (t != null) {
      t.resumeReading();
    }
  }
}
