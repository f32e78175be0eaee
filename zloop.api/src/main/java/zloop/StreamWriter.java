package zloop;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The writing half of a stream connection: asyncio's {@code StreamWriter}. Loop thread (or a task
 * of the loop) only.
 */
public interface StreamWriter {

  /** The transport underneath. */
  Transport transport();

  /** Writes without blocking (the transport buffers what the kernel does not take). */
  void write(ByteBuffer data);

  /** Writes a whole array. */
  default void write(byte[] data) {
    write(ByteBuffer.wrap(data));
  }

  /** Writes several buffers. */
  void writelines(List<ByteBuffer> data);

  /**
   * Completes when the write buffer is at or below its low watermark; fails if the connection was
   * lost. The producer's pacing: {@code writer.write(x); writer.drain().join();}.
   */
  Future<Void> drain();

  /** Closes the write side after the buffered bytes. */
  void writeEof();

  /** Whether {@link #writeEof()} is supported. */
  boolean canWriteEof();

  /** Closes the connection (after the buffered bytes). */
  void close();

  /** Whether the connection is closing or closed. */
  boolean isClosing();

  /** Completes when the connection is closed. */
  Future<Void> waitClosed();

  /** The transport's extra info. */
  Object getExtraInfo(String name);
}
