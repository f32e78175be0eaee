package zloop;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How {@link EventLoop#createConnection} connects.
 *
 * @param localAddress bind to this address before connecting, or {@code null}
 * @param happyEyeballsDelay RFC 8305: start the next address's attempt after this delay if the
 *     current one has not finished, or {@code null} to try addresses one after another
 * @param interleave RFC 8305 address-family interleave count (0: keep the resolver's order; with
 *     a happy-eyeballs delay and 0, 1 is used, as in asyncio)
 * @param allErrors when every address fails, report every error (as suppressed exceptions of the
 *     one thrown) even if they are alike
 * @param tls speak TLS with these options (asyncio's {@code ssl=} and {@code server_hostname=}),
 *     or {@code null} for a plain connection (default); the connection completes after the
 *     handshake
 */
public record ConnectOptions(
    InetSocketAddress localAddress,
    Duration happyEyeballsDelay,
    int interleave,
    boolean allErrors,
    TlsOptions tls) {
  public static final ConnectOptions DEFAULT = new ConnectOptions(null, null, 0, false, null);

  public ConnectOptions {
    if (interleave < 0) {
      throw new IllegalArgumentException("interleave must be >= 0: " + interleave);
    }
    if (happyEyeballsDelay != null && happyEyeballsDelay.isNegative()) {
      throw new IllegalArgumentException("negative happy eyeballs delay: " + happyEyeballsDelay);
    }
  }

  /** Plain (no TLS) options. */
  public ConnectOptions(
      InetSocketAddress localAddress, Duration happyEyeballsDelay, int interleave, boolean allErrors) {
    this(localAddress, happyEyeballsDelay, interleave, allErrors, null);
  }

  public ConnectOptions withLocalAddress(InetSocketAddress value) {
    return new ConnectOptions(value, happyEyeballsDelay, interleave, allErrors, tls);
  }

  public ConnectOptions withHappyEyeballsDelay(Duration value) {
    return new ConnectOptions(localAddress, value, interleave, allErrors, tls);
  }

  public ConnectOptions withInterleave(int value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, value, allErrors, tls);
  }

  public ConnectOptions withAllErrors(boolean value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, interleave, value, tls);
  }

  public ConnectOptions withTls(TlsOptions value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, interleave, allErrors, value);
  }
}
