package zloop.examples.http;

import java.nio.ByteBuffer;

/**
 * The body of a streamed response ({@link ResponseWriter#stream}), produced a chunk at a time and
 * only while the client keeps up: the connection asks for the next chunk only when the transport's
 * write buffer is below its high watermark, so a slow reader slows the producer instead of filling
 * the server's memory.
 */
@FunctionalInterface
public interface ChunkSource {
  /**
   * The next piece of the body. Runs on the loop thread.
   *
   * @return the next chunk (its bytes are copied before the next call), or {@code null} at the end
   */
  ByteBuffer next();
}
