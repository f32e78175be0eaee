package zloop.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line (RFC 9110 section 6.6.1), formatted once per second rather than per
 * response. One per server; loop thread only.
 */
final class HttpDate {
  /** HTTP's preferred format: always two-digit days, English names, GMT. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

  private long second = Long.MIN_VALUE;
  private byte[] line;

  /** {@code "Date: Sun, 06 Dec 2026 04:09:06 GMT\r\n"} for the current second. */
  byte[] line() {
    long now = System.currentTimeMillis() / 1000;
    if (now != second) {
      second = now;
      String date = IMF_FIXDATE.format(Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC));
      line = ("Date: " + date + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    return line;
  }
}
