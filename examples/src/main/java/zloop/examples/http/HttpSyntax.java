package zloop.examples.http;

/** The character classes of RFC 9110/9112 the parsers check bytes against. */
final class HttpSyntax {
  private HttpSyntax() {}

  private static final boolean[] TOKEN = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
  }

  /** A {@code tchar}: what method and field names are made of. */
  static boolean isToken(byte b) {
    return TOKEN[b & 0xff];
  }

  /** A byte allowed in a field value: visible ASCII, obs-text, space and tab (no CR, LF, NUL). */
  static boolean isFieldValue(byte b) {
    int c = b & 0xff;
    return c >= 0x20 ? c != 0x7f : c == '\t';
  }

  /** A byte allowed in a request target: visible ASCII only. */
  static boolean isTarget(byte b) {
    return b > 0x20 && b < 0x7f;
  }

  static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t';
  }

  /** The value of a hexadecimal digit, or -1. */
  static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = b | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /** Whether {@code bytes[from, from + len)} equals the lower-case ASCII {@code name}, ignoring case. */
  static boolean equalsLowerCase(byte[] bytes, int from, int len, String name) {
    if (len != name.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      int c = bytes[from + i];
      if (c >= 'A' && c <= 'Z') {
        c |= 0x20;
      }
      if (c != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The index of the first {@code '\n'} in {@code buffer[from, limit)}, or -1. */
  static int indexOfLf(java.nio.ByteBuffer buffer, int from, int limit) {
    for (int i = from; i < limit; i++) {
      if (buffer.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
