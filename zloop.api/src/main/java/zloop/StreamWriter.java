package zloop;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The writing half of a stream connection: asyncio's {@code StreamWriter}. Loop thread (or a task
 * of the loop) only.
 */
public interface StreamWriter {

  /**
   * The transport underneath.
   *
   * @return the transport
   */
  Transport transport();

  /**
   * Writes without blocking (the transport buffers what the kernel does not take).
   *
   * @param data the bytes between its position and limit
   */
  void write(ByteBuffer data);

  /**
   * Writes a whole array.
   *
   * @param data the bytes
   */
  default void write(byte[] data) {
    write(ByteBuffer.wrap(data));
  }

  /**
   * Writes several buffers: asyncio's {@code writelines}.
   *
   * @param data the buffers
   */
  void writeLines(List<ByteBuffer> data);

  /**
   * Completes when the write buffer is at or below its low watermark. Fails with the reader's
   * exception if the connection failed, or with a {@link java.net.SocketException} "Connection
   * lost" once it is gone. On a closing transport it always completes on a later turn, never at
   * once (asyncio's {@code sleep(0)}), so that {@code writer.write(x); writer.drain().join();}
   * in a loop cannot hold the loop when the peer is gone: writes to a lost connection are dropped
   * (as in asyncio), and the next drain is where the writer learns of it.
   *
   * @return a future that completes when writing may go on
   */
  Future<Void> drain();

  /** Closes the write side after the buffered bytes. */
  void writeEof();

  /**
   * Whether {@link #writeEof()} is supported.
   *
   * @return whether {@link #writeEof()} works
   */
  boolean canWriteEof();

  /** Closes the connection (after the buffered bytes). */
  void close();

  /**
   * Whether the connection is closing or closed.
   *
   * @return {@code true} once closing or closed
   */
  boolean isClosing();

  /**
   * Completes when the connection is closed.
   *
   * @return a future that completes once the connection is closed
   */
  Future<Void> waitClosed();

  /**
   * The transport's extra info by asyncio's name.
   *
   * @param name the name, e.g. {@code "peername"}
   * @return the value, or {@code null} if there is none
   */
  Object getExtraInfo(String name);

  /**
   * The transport's extra info by typed key: {@code getExtraInfo(ExtraInfo.PEERNAME)}.
   *
   * @param <T> the type of the value
   * @param key the key
   * @return the value, or {@code null} if there is none
   * @throws ClassCastException if the transport answered the key's name with another type
   */
  default <T> T getExtraInfo(ExtraInfo<T> key) {
    return key.cast(getExtraInfo(key.name()));
  }

  /**
   * Upgrades the connection to TLS in place: asyncio's {@code StreamWriter.start_tls}. Completes
   * once the handshake is done; from then on this writer and its reader speak TLS. Nothing may be
   * written meanwhile, and bytes buffered in the reader before the upgrade stay plaintext.
   *
   * @param options the TLS options; a client needs {@link TlsOptions#serverHostname()} set
   * @param side which end of the handshake this one plays ({@link Side#SERVER} on the accepting
   *     side, usually)
   * @return a future that completes once the handshake is done
   */
  Future<Void> startTls(TlsOptions options, Side side);
}
