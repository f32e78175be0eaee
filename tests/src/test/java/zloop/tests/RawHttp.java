package zloop.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP on a plain socket, for what real clients refuse to send (malformed requests, pipelines,
 * endless headers): write bytes, read whole responses back, framed by Content-Length, chunking or
 * the connection's end.
 */
final class RawHttp implements AutoCloseable {
  /** One response: its status, its header block as text, its body. */
  record Response(int status, String head, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }

  final Socket socket;
  private final InputStream in;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000); // a hang fails the test instead of blocking it
    in = socket.getInputStream();
  }

  void send(String request) throws IOException {
    send(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] request) throws IOException {
    socket.getOutputStream().write(request);
    socket.getOutputStream().flush();
  }

  /** Reads one response (the interim 100 Continue included as its own). */
  Response read() throws IOException {
    return read(false);
  }

  /** Reads one response to a HEAD request (no body whatever the headers say). */
  Response read(boolean headRequest) throws IOException {
    String head = readHead();
    int status = Integer.parseInt(head.substring(9, 12));
    Response headers = new Response(status, head, new byte[0]);
    if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
      return headers;
    }
    String length = headers.header("Content-Length");
    String te = headers.header("Transfer-Encoding");
    byte[] body;
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked();
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, head, body);
  }

  /** Reads responses until the server closes (reads after the last one see the end). */
  List<Response> readUntilClosed() throws IOException {
    List<Response> all = new ArrayList<>();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return all;
      }
      pushBack = b;
      all.add(read());
    }
  }

  /** Whether the server ended the connection: end of stream or a reset, nothing more to read. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException reset) {
      return true;
    }
  }

  private int pushBack = -1;

  private int next() throws IOException {
    if (pushBack >= 0) {
      int b = pushBack;
      pushBack = -1;
      return b;
    }
    int b = in.read();
    if (b < 0) {
      throw new IOException("the connection ended in the middle of a response");
    }
    return b;
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0; // how much of \r\n\r\n was seen
    while (state < 4) {
      int b = next();
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = next()) != '\n') {
      line.append((char) b);
    }
    return line.toString().strip();
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int size = Integer.parseInt(readLine(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
