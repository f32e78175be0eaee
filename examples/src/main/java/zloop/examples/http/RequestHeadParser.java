package zloop.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses a request line and its header fields (RFC 9112 sections 3 and 5) as they arrive, in any
 * number of pieces, within {@link HttpLimits#maxHeadBytes()} and {@link
 * HttpLimits#maxHeaderFields()}. Strict where leniency lets requests be smuggled: CRLF line ends
 * only, no space before a field's colon, no obsolete line folding, one Host, one framing (a
 * Content-Length or a chunked Transfer-Encoding, never both), no Transfer-Encoding in HTTP/1.0.
 * Reused for every request of a connection ({@link #reset()}).
 */
final class RequestHeadParser {
  private final HttpLimits limits;
  private final LineReader lines = new LineReader();
  private boolean requestLineDone;

  // The head, valid once feed returned true.
  private String method;
  private String target;
  private boolean http10;
  private List<HttpRequest.Field> fields = new ArrayList<>();
  private long contentLength;
  private boolean chunked;
  private String transferEncoding;
  private int hosts;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean expectContinue;

  RequestHeadParser(HttpLimits limits) {
    this.limits = limits;
    reset();
  }

  void reset() {
    lines.reset();
    requestLineDone = false;
    method = null;
    target = null;
    http10 = false;
    if (!fields.isEmpty()) {
      fields = new ArrayList<>(); // the last request's list may live on in a handler
    }
    contentLength = -1;
    chunked = false;
    transferEncoding = null;
    hosts = 0;
    connectionClose = false;
    connectionKeepAlive = false;
    expectContinue = false;
  }

  /** Whether any byte of this head arrived. */
  boolean started() {
    return lines.started();
  }

  /**
   * Takes head bytes from {@code data} and stops right after the head's empty line.
   *
   * @return whether the head is complete
   * @throws HttpError the head is malformed or too large
   */
  boolean feed(ByteBuffer data) throws HttpError {
    while (data.hasRemaining()) {
      int len = lines.read(data, limits.maxHeadBytes(), 431, "request head");
      if (len < 0) {
        return false;
      }
      if (!requestLineDone) {
        if (len > 0) { // empty lines before a request line are ignored (RFC 9112 section 2.2)
          parseRequestLine(lines.bytes(), len);
          requestLineDone = true;
        }
      } else if (len == 0) {
        finish();
        return true;
      } else {
        parseField(lines.bytes(), len);
      }
    }
    return false;
  }

  private void parseRequestLine(byte[] b, int len) throws HttpError {
    int sp1 = indexOf(b, 0, len, (byte) ' ');
    int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, len, (byte) ' ');
    if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || indexOf(b, sp2 + 1, len, (byte) ' ') >= 0) {
      throw HttpError.badRequest("bad request line: expected METHOD SP TARGET SP VERSION");
    }
    for (int i = 0; i < sp1; i++) {
      if (!HttpSyntax.isToken(b[i])) {
        throw HttpError.badRequest("bad request line: invalid character in method");
      }
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      if (!HttpSyntax.isTarget(b[i])) {
        throw HttpError.badRequest("bad request line: invalid character in target");
      }
    }
    int v = sp2 + 1;
    if (len - v != 8 || !startsWith(b, v, "HTTP/") || b[v + 6] != '.' || !isDigit(b[v + 5]) || !isDigit(b[v + 7])) {
      throw HttpError.badRequest("bad request line: bad HTTP version");
    }
    if (b[v + 5] != '1' || (b[v + 7] != '0' && b[v + 7] != '1')) {
      throw new HttpError(505, "HTTP version " + (char) b[v + 5] + "." + (char) b[v + 7] + " not supported");
    }
    http10 = b[v + 7] == '0';
    method = knownMethod(b, sp1);
    target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
  }

  private void parseField(byte[] b, int len) throws HttpError {
    if (HttpSyntax.isWhitespace(b[0])) {
      throw HttpError.badRequest("bad header: obsolete line folding");
    }
    int colon = indexOf(b, 0, len, (byte) ':');
    if (colon <= 0) {
      throw HttpError.badRequest("bad header: no field name and colon");
    }
    for (int i = 0; i < colon; i++) {
      if (!HttpSyntax.isToken(b[i])) {
        throw HttpError.badRequest("bad header: invalid character in field name (or space before colon)");
      }
    }
    int from = colon + 1;
    int to = len;
    while (from < to && HttpSyntax.isWhitespace(b[from])) {
      from++;
    }
    while (to > from && HttpSyntax.isWhitespace(b[to - 1])) {
      to--;
    }
    for (int i = from; i < to; i++) {
      if (!HttpSyntax.isFieldValue(b[i])) {
        throw HttpError.badRequest("bad header: invalid character in field value");
      }
    }
    if (fields.size() >= limits.maxHeaderFields()) {
      throw new HttpError(431, "more than " + limits.maxHeaderFields() + " header fields");
    }
    String name = new String(b, 0, colon, StandardCharsets.ISO_8859_1);
    String value = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    fields.add(new HttpRequest.Field(name, value));
    interpret(b, colon, value);
  }

  /** Takes note of the fields that decide framing and persistence. */
  private void interpret(byte[] b, int nameLength, String value) throws HttpError {
    if (HttpSyntax.equalsLowerCase(b, 0, nameLength, "host")) {
      hosts++;
    } else if (HttpSyntax.equalsLowerCase(b, 0, nameLength, "content-length")) {
      for (String part : value.split(",", -1)) {
        long n = parseLength(part.strip());
        if (contentLength >= 0 && contentLength != n) {
          throw HttpError.badRequest("conflicting Content-Length values");
        }
        contentLength = n;
      }
    } else if (HttpSyntax.equalsLowerCase(b, 0, nameLength, "transfer-encoding")) {
      transferEncoding = transferEncoding == null ? value : transferEncoding + ", " + value;
    } else if (HttpSyntax.equalsLowerCase(b, 0, nameLength, "connection")) {
      for (String option : value.split(",", -1)) {
        String o = option.strip();
        connectionClose |= o.equalsIgnoreCase("close");
        connectionKeepAlive |= o.equalsIgnoreCase("keep-alive");
      }
    } else if (HttpSyntax.equalsLowerCase(b, 0, nameLength, "expect")) {
      if (!value.equalsIgnoreCase("100-continue")) {
        throw new HttpError(417, "unsupported expectation: " + value);
      }
      expectContinue = true;
    }
  }

  /** The checks that need the whole head. */
  private void finish() throws HttpError {
    if (!http10 && hosts != 1) {
      throw HttpError.badRequest(hosts == 0 ? "missing Host header" : "more than one Host header");
    }
    if (transferEncoding != null) {
      if (http10) {
        throw HttpError.badRequest("Transfer-Encoding in an HTTP/1.0 request");
      }
      if (contentLength >= 0) {
        throw HttpError.badRequest("both Content-Length and Transfer-Encoding");
      }
      String[] codings = transferEncoding.split(",", -1);
      String last = codings[codings.length - 1].strip();
      if (!last.equalsIgnoreCase("chunked")) {
        throw HttpError.badRequest("Transfer-Encoding must end with chunked");
      }
      if (codings.length > 1) {
        String first = codings[0].strip();
        throw first.equalsIgnoreCase("chunked")
            ? HttpError.badRequest("chunked applied more than once")
            : new HttpError(501, "transfer coding not supported: " + first.toLowerCase(Locale.ROOT));
      }
      chunked = true;
    }
    if (contentLength > limits.maxBodyBytes()) {
      throw new HttpError(413, "body of " + contentLength + " bytes is over the " + limits.maxBodyBytes() + " byte limit");
    }
  }

  private static long parseLength(String s) throws HttpError {
    if (s.isEmpty() || s.length() > 18) {
      throw HttpError.badRequest("bad Content-Length");
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw HttpError.badRequest("bad Content-Length");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** The common methods as constants, so that most requests allocate no method string. */
  private static String knownMethod(byte[] b, int len) {
    if (len == 3 && startsWith(b, 0, "GET")) {
      return "GET";
    }
    if (len == 4 && startsWith(b, 0, "POST")) {
      return "POST";
    }
    if (len == 4 && startsWith(b, 0, "HEAD")) {
      return "HEAD";
    }
    return new String(b, 0, len, StandardCharsets.ISO_8859_1);
  }

  private static boolean startsWith(byte[] b, int from, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[from + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  String method() {
    return method;
  }

  String target() {
    return target;
  }

  boolean http10() {
    return http10;
  }

  List<HttpRequest.Field> fields() {
    return fields;
  }

  /** The announced body length, or -1 for none (0 bytes, unless chunked). */
  long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return chunked;
  }

  boolean expectContinue() {
    return expectContinue && !http10;
  }

  /** HTTP/1.1 persists unless told to close; HTTP/1.0 only when asked to keep alive. */
  boolean keepAlive() {
    return !connectionClose && (!http10 || connectionKeepAlive);
  }
}
