package zloop.engine.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/** The engine's side of a connected stream socket: what the backend reports to it. */
public interface StreamHandler {

  /**
   * Where the next read should go: a buffer of the protocol's (bytes may be written from its
   * position up to its limit), or {@code null} for the backend's own receive buffer. Called right
   * before each read.
   */
  ByteBuffer readBuffer();

  /**
   * Bytes arrived in the backend's buffer: {@code data} (position to limit) is valid only during
   * the call and must not be written to.
   */
  void onData(ByteBuffer data);

  /**
   * {@code n} bytes were read into the buffer the last {@link #readBuffer()} returned, starting at
   * its position; the backend leaves the position where it was (as {@code bufferUpdated} expects).
   */
  void onDataInto(int n);

  /** The peer closed its write side. Reading has stopped. */
  void onEof();

  /**
   * The connection failed (reading or writing). The backend reports nothing more for this socket
   * until it is closed.
   */
  void onError(IOException failure);

  /** A {@link SocketHandle#flush} moved {@code n} bytes from the head of the queue. */
  void onWritten(long n);
}
