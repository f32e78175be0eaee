package zloop.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import zloop.Transport;

/**
 * Serializes the responses of one connection into one output buffer, so that all the answers to
 * one read (pipelined requests) leave in one write. A handler answers each request once, with
 * {@link #respond} (a body of known length) or {@link #stream} (a chunked body produced while the
 * client keeps up); the writer adds the status line, {@code Date}, {@code Content-Length} or
 * {@code Transfer-Encoding: chunked}, and {@code Connection} as the request's persistence needs.
 * Loop thread only.
 */
public final class ResponseWriter {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
  private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
  private static final byte[] CONTENT_TYPE = ascii("Content-Type: ");
  private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
  private static final byte[] CLOSE = ascii("Connection: close\r\n");
  private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
  private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
  private static final byte[] HEX = ascii("0123456789abcdef");
  private static final int[] KNOWN_STATUSES = {200, 201, 204, 400, 404, 405, 408, 413, 417, 431, 500, 501, 503, 505};
  private static final byte[][] STATUS_LINES = new byte[600][];
  /** After a large response, the output buffer goes back to this size. */
  private static final int KEPT_CAPACITY = 64 * 1024;

  static {
    for (int status : KNOWN_STATUSES) {
      STATUS_LINES[status] = ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
    }
  }

  private final HttpDate date;
  private ByteBuffer out = ByteBuffer.allocateDirect(4096);
  private final List<String> extraHeaders = new ArrayList<>(2);
  private String lastContentType;
  private byte[] lastContentTypeBytes;

  // The exchange in progress.
  private boolean keepAlive;
  private boolean http10;
  private boolean head;
  private boolean answered;
  private ChunkSource stream;

  ResponseWriter(HttpDate date) {
    this.date = date;
  }

  /** Starts the answer to a request: whether the connection may stay open, and how to frame it. */
  void begin(boolean keepAlive, boolean http10, boolean head) {
    this.keepAlive = keepAlive;
    this.http10 = http10;
    this.head = head;
    this.answered = false;
    this.stream = null;
    extraHeaders.clear();
  }

  /**
   * Adds a header field to the response about to be written ({@code Allow}, {@code Location}).
   *
   * @param name the field name
   * @param value the field value, without CR or LF
   * @throws IllegalArgumentException if either holds CR or LF
   */
  public void header(String name, String value) {
    if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("CR or LF in a header field");
    }
    extraHeaders.add(name);
    extraHeaders.add(value);
  }

  /**
   * Answers with a complete body.
   *
   * @param status the status code, 200 to 599
   * @param contentType the {@code Content-Type}; a constant string is encoded only once
   * @param body the bytes between position and limit (consumed)
   * @throws IllegalStateException if this request was already answered
   */
  public void respond(int status, String contentType, ByteBuffer body) {
    startHead(status, contentType);
    put(CONTENT_LENGTH);
    putDecimal(body.remaining());
    put(CRLF);
    endHead();
    if (head) {
      body.position(body.limit());
    } else {
      put(body);
    }
  }

  /**
   * Answers with a text body in UTF-8.
   *
   * @param status the status code
   * @param contentType the {@code Content-Type}
   * @param body the text
   */
  public void respond(int status, String contentType, String body) {
    respond(status, contentType, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Answers with a body streamed in chunks: {@code Transfer-Encoding: chunked} for HTTP/1.1; for
   * HTTP/1.0, which has no chunking, the body ends with the connection.
   *
   * @param status the status code
   * @param contentType the {@code Content-Type}
   * @param source produces the chunks, asked only while the client keeps up
   */
  public void stream(int status, String contentType, ChunkSource source) {
    if (http10) {
      keepAlive = false;
    }
    startHead(status, contentType);
    if (!http10) {
      put(CHUNKED);
    }
    endHead();
    stream = head ? null : source;
  }

  private void startHead(int status, String contentType) {
    if (answered) {
      throw new IllegalStateException("this request was already answered");
    }
    answered = true;
    put(statusLine(status));
    put(date.line());
    put(CONTENT_TYPE);
    put(contentTypeBytes(contentType));
    put(CRLF);
    for (int i = 0; i < extraHeaders.size(); i += 2) {
      put(ascii(extraHeaders.get(i) + ": " + extraHeaders.get(i + 1) + "\r\n"));
    }
  }

  private void endHead() {
    if (!keepAlive) {
      put(CLOSE);
    } else if (http10) {
      put(KEEP_ALIVE);
    }
    put(CRLF);
  }

  /** The interim answer a client that sent {@code Expect: 100-continue} waits for. */
  void writeContinue() {
    put(CONTINUE);
  }

  /** One chunk of the streamed body (the raw bytes for HTTP/1.0). */
  void writeChunk(ByteBuffer chunk) {
    int n = chunk.remaining();
    if (n == 0) {
      return; // a zero-size chunk would end the body
    }
    if (!http10) {
      int digits = (64 - Long.numberOfLeadingZeros(n) + 3) / 4;
      ensure(digits + 2);
      for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
        out.put(HEX[(n >>> shift) & 0xf]);
      }
      put(CRLF);
    }
    put(chunk);
    if (!http10) {
      put(CRLF);
    }
  }

  /** Ends the streamed body. */
  void endChunks() {
    if (!http10) {
      put(LAST_CHUNK);
    }
    stream = null;
  }

  /** Sends what was written since the last flush; the transport copies what it cannot send now. */
  void flush(Transport transport) {
    if (out.position() > 0) {
      transport.write(out.flip());
      out = out.capacity() > KEPT_CAPACITY ? ByteBuffer.allocateDirect(4096) : out.clear();
    }
  }

  /** Drops what was not flushed (the connection is being aborted). */
  void discard() {
    out.clear();
  }

  boolean answered() {
    return answered;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** The streamed body still to produce, or {@code null}. */
  ChunkSource stream() {
    return stream;
  }

  private byte[] contentTypeBytes(String contentType) {
    if (contentType != lastContentType) { // identity: handlers pass constants
      if (contentType.indexOf('\r') >= 0 || contentType.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("CR or LF in Content-Type");
      }
      lastContentTypeBytes = ascii(contentType);
      lastContentType = contentType;
    }
    return lastContentTypeBytes;
  }

  private static byte[] statusLine(int status) {
    if (status < 100 || status >= STATUS_LINES.length) {
      throw new IllegalArgumentException("not a status code: " + status);
    }
    byte[] line = STATUS_LINES[status];
    return line != null ? line : ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
  }

  /** The reason phrase of the codes this server sends. */
  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 417 -> "Expectation Failed";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status " + status;
    };
  }

  private void putDecimal(int n) {
    ensure(10);
    if (n == 0) {
      out.put((byte) '0');
      return;
    }
    int digits = 0;
    for (int v = n; v > 0; v /= 10) {
      digits++;
    }
    int end = out.position() + digits;
    for (int i = end - 1, v = n; i >= out.position(); i--, v /= 10) {
      out.put(i, (byte) ('0' + v % 10));
    }
    out.position(end);
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    out.put(bytes);
  }

  private void put(ByteBuffer bytes) {
    ensure(bytes.remaining());
    out.put(bytes);
  }

  private void ensure(int n) {
    if (out.remaining() < n) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + n));
      bigger.put(out.flip());
      out = bigger;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
