package zloop;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link EventLoop#createConnection} connects: asyncio's {@code create_connection} keyword
 * arguments. Immutable; start from {@link #DEFAULT} and change what differs with the {@code withX}
 * copies, so new options can be added without breaking callers:
 *
 * <pre>{@code
 * ConnectOptions.DEFAULT.withHappyEyeballsDelay(Duration.ofMillis(250)).withTls(TlsOptions.client())
 * }</pre>
 */
public final class ConnectOptions {

  /** No local address, addresses tried one after another, plain connection. */
  public static final ConnectOptions DEFAULT = new ConnectOptions(null, null, 0, false, null);

  private final InetSocketAddress localAddress;
  private final Duration happyEyeballsDelay;
  private final int interleave;
  private final boolean allErrors;
  private final TlsOptions tls;

  private ConnectOptions(
      InetSocketAddress localAddress,
      Duration happyEyeballsDelay,
      int interleave,
      boolean allErrors,
      TlsOptions tls) {
    if (interleave < 0) {
      throw new IllegalArgumentException("interleave must be >= 0: " + interleave);
    }
    if (happyEyeballsDelay != null && happyEyeballsDelay.isNegative()) {
      throw new IllegalArgumentException("negative happy eyeballs delay: " + happyEyeballsDelay);
    }
    this.localAddress = localAddress;
    this.happyEyeballsDelay = happyEyeballsDelay;
    this.interleave = interleave;
    this.allErrors = allErrors;
    this.tls = tls;
  }

  /**
   * The address to bind to before connecting ({@code local_addr}), or {@code null} for none.
   *
   * @return the local address, or {@code null}
   */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * RFC 8305: the delay after which the next address's attempt starts if the current one has not
   * finished; empty to try addresses one after another (default).
   *
   * @return the delay, if happy eyeballs is on
   */
  public Optional<Duration> happyEyeballsDelay() {
    return Optional.ofNullable(happyEyeballsDelay);
  }

  /**
   * RFC 8305 address-family interleave count (0: keep the resolver's order; with a happy-eyeballs
   * delay and 0, 1 is used, as in asyncio).
   *
   * @return the count
   */
  public int interleave() {
    return interleave;
  }

  /**
   * Whether, when every address fails, every error is reported (as suppressed exceptions of the
   * one thrown) even if they are alike.
   *
   * @return the flag
   */
  public boolean allErrors() {
    return allErrors;
  }

  /**
   * The TLS the connection speaks (asyncio's {@code ssl=} and {@code server_hostname=}), or {@code
   * null} for a plain connection (default); with TLS the connection completes after the handshake.
   *
   * @return the TLS options, or {@code null}
   */
  public TlsOptions tls() {
    return tls;
  }

  /**
   * A copy that binds to a local address first.
   *
   * @param value the local address, or {@code null} for none
   * @return the copy
   */
  public ConnectOptions withLocalAddress(InetSocketAddress value) {
    return new ConnectOptions(value, happyEyeballsDelay, interleave, allErrors, tls);
  }

  /**
   * A copy with happy eyeballs on, at this delay.
   *
   * @param value the delay between attempts, not negative
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public ConnectOptions withHappyEyeballsDelay(Duration value) {
    return new ConnectOptions(
        localAddress, Objects.requireNonNull(value, "value"), interleave, allErrors, tls);
  }

  /**
   * A copy with happy eyeballs off: addresses are tried one after another.
   *
   * @return the copy
   */
  public ConnectOptions withoutHappyEyeballs() {
    return new ConnectOptions(localAddress, null, interleave, allErrors, tls);
  }

  /**
   * A copy with another interleave count.
   *
   * @param value the count, {@code >= 0}
   * @return the copy
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public ConnectOptions withInterleave(int value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, value, allErrors, tls);
  }

  /**
   * A copy that reports every error, or only distinct ones.
   *
   * @param value whether to report every error
   * @return the copy
   */
  public ConnectOptions withAllErrors(boolean value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, interleave, value, tls);
  }

  /**
   * A copy that speaks TLS, or plain.
   *
   * @param value the TLS options, or {@code null} for a plain connection
   * @return the copy
   */
  public ConnectOptions withTls(TlsOptions value) {
    return new ConnectOptions(localAddress, happyEyeballsDelay, interleave, allErrors, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectOptions c
        && Objects.equals(localAddress, c.localAddress)
        && Objects.equals(happyEyeballsDelay, c.happyEyeballsDelay)
        && interleave == c.interleave
        && allErrors == c.allErrors
        && Objects.equals(tls, c.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(localAddress, happyEyeballsDelay, interleave, allErrors, tls);
  }

  @Override
  public String toString() {
    return "ConnectOptions[localAddress=" + localAddress + ", happyEyeballsDelay="
        + happyEyeballsDelay + ", interleave=" + interleave + ", allErrors=" + allErrors
        + ", tls=" + tls + "]";
  }
}
