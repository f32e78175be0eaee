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
 */
public record ConnectOptions(
    InetSocketAddress localAddress, Duration happyEyeballsDelay, int interleave, boolean allErrors) {
  public static final ConnectOptions DEFAULT = new ConnectOptions(null, null, 0, false);

  public ConnectOptions {
    if (interleave < 0) {
      throw new IllegalArgumentException("interleave must be >= 0: " + interleave);
    }
    if (happyEyeballsDelay != null && happyEyeballsDelay.isNegative()) {
      throw new IllegalArgumentException("negative happy eyeballs delay: " + happyEyeballsDelay);
    }
  }

  public ConnectOptions withLocalAddress(InetSocketAddress value) {
    return new ConnectOptions(value, happyEyeballsDelay, interleave, allErrors);
  }

  public ConnectOptions withHappyEyeballsDelay(Duration value) {
    return new ConnectOptions(localAddress, value, interleave, allErrors);
  }

  public ConnectOptions withInterleave(int value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, value, allErrors);
  }

  public ConnectOptions withAllErrors(boolean value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, interleave, value);
  }
}
