package zloop.tls;

import java.nio.ByteBuffer;
import java.util.List;
import zloop.BaseProtocol;
import zloop.Transport;
import zloop.WriteBufferLimits;

/**
 * The application's side of a TLS connection: asyncio's {@code _SSLProtocolTransport}. Writes are
 * encrypted and sent through the raw transport; {@code close()} flushes, sends {@code
 * close_notify} and waits for the peer's (bounded by the shutdown timeout). TLS has no half-close
 * here: {@link #canWriteEof()} is false. The write buffer is the raw transport's plus what waits
 * to be encrypted; the watermarks are the raw transport's. Loop thread only.
 */
final class TlsTransport implements Transport {
  private final TlsProtocol tls;

  TlsTransport(TlsProtocol tls) {
    this.tls = tls;
  }

  @Override
  public void close() {
    tls.appClose();
  }

  @Override
  public boolean isClosing() {
    return tls.appClosing();
  }

  /** The TLS names of {@link zloop.TlsOptions}, then the raw transport's. */
  @Override
  public Object getExtraInfo(String name) {
    return tls.extraInfo(name);
  }

  @Override
  public void setProtocol(BaseProtocol protocol) {
    tls.setAppProtocol(protocol);
  }

  @Override
  public BaseProtocol getProtocol() {
    return tls.appProtocol();
  }

  @Override
  public boolean isReading() {
    return tls.appReading();
  }

  @Override
  public void pauseReading() {
    tls.appPauseReading();
  }

  @Override
  public void resumeReading() {
    tls.appResumeReading();
  }

  @Override
  public void write(ByteBuffer data) {
    tls.appWrite(data);
  }

  @Override
  public void writeLines(List<ByteBuffer> data) {
    tls.appWrite(data.toArray(new ByteBuffer[0]));
  }

  @Override
  public boolean canWriteEof() {
    return false;
  }

  /** TLS connections do not half-close (as in asyncio). */
  @Override
  public void writeEof() {
    throw new UnsupportedOperationException("TLS transports do not support half-closes (writeEof)");
  }

  @Override
  public void abort() {
    tls.appAbort();
  }

  @Override
  public long getWriteBufferSize() {
    return tls.writeBufferSize();
  }

  @Override
  public WriteBufferLimits getWriteBufferLimits() {
    return tls.writeBufferLimits();
  }

  @Override
  public void setWriteBufferLimits(WriteBufferLimits limits) {
    tls.setWriteBufferLimits(limits);
  }

  @Override
  public String toString() {
    return "TlsTransport["
        + tls.extraInfo("sockname")
        + " -> "
        + tls.extraInfo("peername")
        + ", "
        + tls.state()
        + "]";
  }
}
