package zloop.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The example's few routes:
 *
 * <ul>
 *   <li>{@code GET /} (or {@code HEAD /}): {@code Hello, World!};
 *   <li>{@code POST /echo}: the request body back, with the request's {@code Content-Type};
 *   <li>{@code GET /stream?chunks=N&size=S}: a chunked answer of N chunks (default 5) of S bytes
 *       (default: a short numbered line), produced only while the client keeps up;
 *   <li>anything else: 404, or 405 with {@code Allow} for a known path and another method.
 * </ul>
 */
public final class ExampleRoutes implements HttpHandler {
  private static final String TEXT = "text/plain";
  private static final String OCTETS = "application/octet-stream";
  private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CHUNKS = 1_000_000;
  private static final int MAX_CHUNK_SIZE = 1024 * 1024;

  @Override
  public void handle(HttpRequest request, ResponseWriter response) {
    String method = request.method();
    switch (request.path()) {
      case "/" -> {
        if (method.equals("GET") || method.equals("HEAD")) {
          response.respond(200, TEXT, ByteBuffer.wrap(HELLO));
        } else {
          notAllowed(response, "GET, HEAD");
        }
      }
      case "/echo" -> {
        if (method.equals("POST")) {
          String type = request.header("Content-Type");
          response.respond(200, type != null ? type : OCTETS, request.body());
        } else {
          notAllowed(response, "POST");
        }
      }
      case "/stream" -> {
        if (method.equals("GET") || method.equals("HEAD")) {
          stream(request, response);
        } else {
          notAllowed(response, "GET, HEAD");
        }
      }
      default -> response.respond(404, TEXT, "no such resource: " + request.path() + "\n");
    }
  }

  private static void stream(HttpRequest request, ResponseWriter response) {
    int chunks;
    int size;
    try {
      chunks = Integer.parseInt(request.query("chunks", "5"));
      size = Integer.parseInt(request.query("size", "0"));
    } catch (NumberFormatException e) {
      response.respond(400, TEXT, "chunks and size are numbers\n");
      return;
    }
    if (chunks < 0 || chunks > MAX_CHUNKS || size < 0 || size > MAX_CHUNK_SIZE) {
      response.respond(400, TEXT, "chunks is 0 to " + MAX_CHUNKS + ", size 0 to " + MAX_CHUNK_SIZE + "\n");
      return;
    }
    response.stream(200, size == 0 ? TEXT : OCTETS, new NumberedChunks(chunks, size));
  }

  private static void notAllowed(ResponseWriter response, String allow) {
    response.header("Allow", allow);
    response.respond(405, TEXT, "method not allowed\n");
  }

  /** Chunk i is {@code "chunk i\n"}, or, with a size, that line padded with dots to the size. */
  private static final class NumberedChunks implements ChunkSource {
    private final int count;
    private final int size;
    private int next;

    NumberedChunks(int count, int size) {
      this.count = count;
      this.size = size;
    }

    @Override
    public ByteBuffer next() {
      if (next == count) {
        return null;
      }
      byte[] line = String.format(Locale.ROOT, "chunk %d\n", next++).getBytes(StandardCharsets.US_ASCII);
      if (size == 0) {
        return ByteBuffer.wrap(line);
      }
      byte[] chunk = new byte[size];
      java.util.Arrays.fill(chunk, (byte) '.');
      System.arraycopy(line, 0, chunk, 0, Math.min(line.length, size));
      return ByteBuffer.wrap(chunk);
    }
  }
}
