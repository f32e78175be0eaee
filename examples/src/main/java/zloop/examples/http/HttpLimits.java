package zloop.examples.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds one connection of {@link HttpServer} lives within: how big a request may be and how
 * long the server waits for one. Immutable; start from {@link #DEFAULT} and change what differs:
 * {@code HttpLimits.DEFAULT.withMaxBodyBytes(64 * 1024)}.
 */
public final class HttpLimits {
  /**
   * 8 KiB of request line and headers, 100 header fields, 1 MiB of body; 10 s to send a request
   * head once its first byte arrived, 30 s for the body, 60 s idle between keep-alive requests, 30
   * s for in-flight requests to finish at shutdown.
   */
  public static final HttpLimits DEFAULT =
      new HttpLimits(
          8 * 1024,
          100,
          1024 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30));

  private final int maxHeadBytes;
  private final int maxHeaderFields;
  private final int maxBodyBytes;
  private final Duration headTimeout;
  private final Duration bodyTimeout;
  private final Duration idleTimeout;
  private final Duration shutdownGrace;

  private HttpLimits(
      int maxHeadBytes,
      int maxHeaderFields,
      int maxBodyBytes,
      Duration headTimeout,
      Duration bodyTimeout,
      Duration idleTimeout,
      Duration shutdownGrace) {
    if (maxHeadBytes < 64 || maxHeaderFields < 1 || maxBodyBytes < 0) {
      throw new IllegalArgumentException(
          "limits too small: head " + maxHeadBytes + " B, " + maxHeaderFields + " fields, body " + maxBodyBytes + " B");
    }
    for (Duration d : new Duration[] {headTimeout, bodyTimeout, idleTimeout, shutdownGrace}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive: " + d);
      }
    }
    this.maxHeadBytes = maxHeadBytes;
    this.maxHeaderFields = maxHeaderFields;
    this.maxBodyBytes = maxBodyBytes;
    this.headTimeout = headTimeout;
    this.bodyTimeout = bodyTimeout;
    this.idleTimeout = idleTimeout;
    this.shutdownGrace = shutdownGrace;
  }

  /**
   * The most bytes of request line plus header fields (and, separately, of chunked trailers);
   * more gets 431.
   *
   * @return the bound in bytes
   */
  public int maxHeadBytes() {
    return maxHeadBytes;
  }

  /**
   * The most header fields in one request; more gets 431.
   *
   * @return the bound
   */
  public int maxHeaderFields() {
    return maxHeaderFields;
  }

  /**
   * The largest request body, announced or chunked; more gets 413.
   *
   * @return the bound in bytes
   */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * How long a request head may take from its first byte to its empty line; then 408 and close
   * (the slow-loris guard).
   *
   * @return the timeout
   */
  public Duration headTimeout() {
    return headTimeout;
  }

  /**
   * How long a request body may take once its head is complete; then 408 and close.
   *
   * @return the timeout
   */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /**
   * How long a keep-alive connection may wait for its next request; then it is closed silently.
   *
   * @return the timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long {@link HttpServer#shutdown()} lets in-flight requests run before aborting them.
   *
   * @return the grace period
   */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /**
   * A copy with another head bound.
   *
   * @param value bytes of request line and headers, at least 64
   * @return the copy
   */
  public HttpLimits withMaxHeadBytes(int value) {
    return new HttpLimits(value, maxHeaderFields, maxBodyBytes, headTimeout, bodyTimeout, idleTimeout, shutdownGrace);
  }

  /**
   * A copy with another header-field count bound.
   *
   * @param value fields per request, at least 1
   * @return the copy
   */
  public HttpLimits withMaxHeaderFields(int value) {
    return new HttpLimits(maxHeadBytes, value, maxBodyBytes, headTimeout, bodyTimeout, idleTimeout, shutdownGrace);
  }

  /**
   * A copy with another body bound.
   *
   * @param value bytes of body, at least 0
   * @return the copy
   */
  public HttpLimits withMaxBodyBytes(int value) {
    return new HttpLimits(maxHeadBytes, maxHeaderFields, value, headTimeout, bodyTimeout, idleTimeout, shutdownGrace);
  }

  /**
   * A copy with another head timeout.
   *
   * @param value positive
   * @return the copy
   */
  public HttpLimits withHeadTimeout(Duration value) {
    return new HttpLimits(
        maxHeadBytes, maxHeaderFields, maxBodyBytes, Objects.requireNonNull(value), bodyTimeout, idleTimeout, shutdownGrace);
  }

  /**
   * A copy with another body timeout.
   *
   * @param value positive
   * @return the copy
   */
  public HttpLimits withBodyTimeout(Duration value) {
    return new HttpLimits(
        maxHeadBytes, maxHeaderFields, maxBodyBytes, headTimeout, Objects.requireNonNull(value), idleTimeout, shutdownGrace);
  }

  /**
   * A copy with another keep-alive idle timeout.
   *
   * @param value positive
   * @return the copy
   */
  public HttpLimits withIdleTimeout(Duration value) {
    return new HttpLimits(
        maxHeadBytes, maxHeaderFields, maxBodyBytes, headTimeout, bodyTimeout, Objects.requireNonNull(value), shutdownGrace);
  }

  /**
   * A copy with another shutdown grace period.
   *
   * @param value positive
   * @return the copy
   */
  public HttpLimits withShutdownGrace(Duration value) {
    return new HttpLimits(
        maxHeadBytes, maxHeaderFields, maxBodyBytes, headTimeout, bodyTimeout, idleTimeout, Objects.requireNonNull(value));
  }

  /** The smallest of the timeouts: how often the server must look at its connections. */
  Duration shortestTimeout() {
    Duration d = headTimeout;
    for (Duration o : new Duration[] {bodyTimeout, idleTimeout, shutdownGrace}) {
      if (o.compareTo(d) < 0) {
        d = o;
      }
    }
    return d;
  }
}
