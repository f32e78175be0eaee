package zloop;

import java.nio.ByteBuffer;

/** A stream protocol that receives data as the loop reads it: asyncio's {@code Protocol}. */
public non-sealed interface Protocol extends BaseProtocol {

  /**
   * Bytes arrived. The buffer is a read-only view valid only during this call (zero copy from the
   * loop's read buffer): copy what you keep.
   *
   * @param data the bytes, read-only, valid during this call only
   */
  void dataReceived(ByteBuffer data);

  /**
   * The peer closed its write side. Return {@code true} to keep the connection half-open (you may
   * still write); {@code false} closes the transport.
   *
   * @return {@code true} to keep the connection half-open
   */
  default boolean eofReceived() {
    return false;
  }
}
