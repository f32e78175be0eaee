package zloop.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the server name a client asks for (SNI) from its ClientHello, before any engine exists,
 * so that a server can choose the {@code SSLContext} by name. Reads without consuming; the engine
 * then unwraps the same bytes.
 */
final class ClientHelloSni {
  private ClientHelloSni() {}

  /** A ClientHello larger than this is not waited for (the engine will judge it). */
  private static final int MAX_HELLO = 64 * 1024;

  private static final int CONTENT_HANDSHAKE = 22;
  private static final int CLIENT_HELLO = 1;
  private static final int EXT_SERVER_NAME = 0;
  private static final int NAME_TYPE_HOST = 0;

  /** What the bytes so far say. */
  sealed interface Result permits NeedMore, NotAHello, Hello {}

  /** The ClientHello is not complete yet. */
  record NeedMore() implements Result {}

  /** Not a TLS ClientHello (or a malformed one): let the engine produce the error. */
  record NotAHello() implements Result {}

  /** A complete ClientHello and the host name it asks for, or {@code null}. */
  record Hello(String serverName) implements Result {}

  static final Result NEED_MORE = new NeedMore();
  static final Result NOT_A_HELLO = new NotAHello();

  /** Looks at the bytes between {@code in}'s position and limit; does not move them. */
  static Result parse(ByteBuffer in) {
    // Handshake messages may be split over records: gather the fragments first.
    byte[] hello = null;
    int have = 0;
    int need = -1;
    int p = in.position();
    while (need < 0 || have < need) {
      if (in.limit() - p < NetInput.RECORD_HEADER) {
        return NEED_MORE;
      }
      int type = in.get(p) & 0xFF;
      int major = in.get(p + 1) & 0xFF;
      if (type != CONTENT_HANDSHAKE || major != 3) {
        return NOT_A_HELLO;
      }
      int length = ((in.get(p + 3) & 0xFF) << 8) | (in.get(p + 4) & 0xFF);
      if (length == 0 || in.limit() - p - NetInput.RECORD_HEADER < length) {
        return length == 0 ? NOT_A_HELLO : NEED_MORE;
      }
      if (hello == null) {
        hello = new byte[Math.min(MAX_HELLO, length + 4096)];
      }
      if (have + length > hello.length) {
        if (have + length > MAX_HELLO) {
          return NOT_A_HELLO;
        }
        hello = java.util.Arrays.copyOf(hello, Math.min(MAX_HELLO, 2 * (have + length)));
      }
      in.get(p + NetInput.RECORD_HEADER, hello, have, length);
      have += length;
      p += NetInput.RECORD_HEADER + length;
      if (need < 0 && have >= 4) {
        if ((hello[0] & 0xFF) != CLIENT_HELLO) {
          return NOT_A_HELLO;
        }
        need = 4 + (((hello[1] & 0xFF) << 16) | ((hello[2] & 0xFF) << 8) | (hello[3] & 0xFF));
        if (need > MAX_HELLO) {
          return NOT_A_HELLO;
        }
      }
    }
    try {
      return new Hello(serverName(ByteBuffer.wrap(hello, 4, need - 4)));
    } catch (RuntimeException e) { // BufferUnderflowException, IllegalArgumentException
      return NOT_A_HELLO;
    }
  }

  /** The host_name of the server_name extension (RFC 6066), or {@code null}. */
  private static String serverName(ByteBuffer b) {
    skip(b, 2 + 32); // client_version, random
    skip(b, b.get() & 0xFF); // session_id
    skip(b, b.getShort() & 0xFFFF); // cipher_suites
    skip(b, b.get() & 0xFF); // compression_methods
    if (!b.hasRemaining()) {
      return null; // no extensions
    }
    int end = (b.getShort() & 0xFFFF) + b.position();
    while (b.position() + 4 <= end) {
      int type = b.getShort() & 0xFFFF;
      int length = b.getShort() & 0xFFFF;
      if (type != EXT_SERVER_NAME) {
        skip(b, length);
        continue;
      }
      int listEnd = (b.getShort() & 0xFFFF) + b.position();
      while (b.position() + 3 <= listEnd) {
        int nameType = b.get() & 0xFF;
        int nameLength = b.getShort() & 0xFFFF;
        if (nameType == NAME_TYPE_HOST) {
          byte[] name = new byte[nameLength];
          b.get(name);
          return new String(name, StandardCharsets.US_ASCII);
        }
        skip(b, nameLength);
      }
      return null;
    }
    return null;
  }

  private static void skip(ByteBuffer b, int n) {
    b.position(b.position() + n);
  }
}
