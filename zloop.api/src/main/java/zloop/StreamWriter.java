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
   * Completes when the write buffer is at or below its low watermark. Fails with the reader's
   * exception if the connection failed, or with a {@link java.net.SocketException} "Connection
   * lost" once it is gone. On a closing transport it always completes on a later turn, never at
   * once (asyncio's {@code sleep(0)}), so that {@code writer.write(x); writer.drain().join();}
   * in a loop cannot hold the loop when the peer is gone: writes to a lost connection are dropped
   * (as in asyncio), and the next drain is where the writer learns of it.
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

  /**
   * Upgrades the connection to TLS in place: asyncio's {@code StreamWriter.start_tls}. Completes
   * once the handshake is done; from then on this writer and its reader speak TLS. Nothing may be
   * written meanwhile, and bytes buffered in the reader before the upgrade stay plaintext.
   *
   * @param serverSide true on the accepting side
   */
  Future<Void> startTls(TlsOptions options, boolean serverSide);
}
