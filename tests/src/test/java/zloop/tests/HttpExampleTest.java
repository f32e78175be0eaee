package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import zloop.examples.http.HttpLimits;

/**
 * The issue-16 HTTP/1.1 example ({@code zloop.examples.http}) on every backend, driven by real
 * clients: curl, Python's {@code http.client}, and raw sockets for what real clients will not send
 * (malformed requests, pipelines, endless headers). The graceful shutdown on SIGTERM is {@code
 * net.HttpExampleShutdownTest}.
 */
@Timeout(180)
class HttpExampleTest {

  /** curl fetches three URLs on one connection (keep-alive), and gets a 12.5 MiB stream whole. */
  @BackendTest
  void curlReusesOneConnectionForSeveralUrls(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT)) {
      String base = "http://127.0.0.1:" + server.port();
      Tool.Result r =
          Tool.run(
              "curl", "-s", "-w", "[%{http_code} %{num_connects}]\\n",
              base + "/", base + "/stream?chunks=3", base + "/missing");
      assertEquals(0, r.exit(), r.err());
      assertEquals(
          "Hello, World![200 1]\nchunk 0\nchunk 1\nchunk 2\n[200 0]\nno such resource: /missing\n[404 0]\n",
          r.out(),
          "the second and third URL open no new connection");
      Tool.Result big =
          Tool.run("curl", "-s", "-w", "%{size_download}", "-o", "/dev/null", base + "/stream?chunks=200&size=65536");
      assertEquals(0, big.exit(), big.err());
      assertEquals(String.valueOf(200 * 65536), big.out());
    }
  }

  /** A file uploaded chunked ({@code Transfer-Encoding: chunked}) and by length comes back intact. */
  @BackendTest
  void curlUploadsChunkedAndByLength(String backend) throws Exception {
    Path file = Files.createTempFile("zloop-http-upload", ".bin");
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT)) {
      byte[] data = new byte[300_000];
      new Random(16).nextBytes(data);
      Files.write(file, data);
      String url = "http://127.0.0.1:" + server.port() + "/echo";
      Tool.Result chunked =
          Tool.run("curl", "-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, url);
      assertEquals(0, chunked.exit(), chunked.err());
      assertArrayEquals(data, chunked.bytes(), "chunked upload echoed");
      // Over 1 KiB curl sends Expect: 100-continue and waits for the interim answer.
      Tool.Result byLength = Tool.run("curl", "-s", "--data-binary", "@" + file, url);
      assertEquals(0, byLength.exit(), byLength.err());
      assertArrayEquals(data, byLength.bytes(), "Content-Length upload echoed");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** HTTP/1.0 closes after the answer unless the client asks for keep-alive. */
  @BackendTest
  void curlHttp10ClosesUnlessAskedToKeepAlive(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT)) {
      String url = "http://127.0.0.1:" + server.port() + "/";
      Tool.Result plain = Tool.run("curl", "-s", "-0", "-D", "-", "-w", "[%{num_connects}]", url, url);
      assertEquals(0, plain.exit(), plain.err());
      assertTrue(plain.out().contains("Connection: close\r\n"), plain.out());
      assertTrue(plain.out().endsWith("Hello, World![1]"), "a new connection for the second URL: " + plain.out());
      Tool.Result kept =
          Tool.run("curl", "-s", "-0", "-H", "Connection: keep-alive", "-D", "-", "-w", "[%{num_connects}]", url, url);
      assertEquals(0, kept.exit(), kept.err());
      assertTrue(kept.out().contains("Connection: keep-alive\r\n"), kept.out());
      assertTrue(kept.out().endsWith("Hello, World![0]"), "the connection was kept: " + kept.out());
    }
  }

  /** Python's http.client: keep-alive, a chunked body, HTTP/1.0; then a raw pipeline of 21 requests. */
  @BackendTest
  void pythonHttpClientAndARawPipeline(String backend) throws Exception {
    Path script = Files.createTempFile("zloop-http-client", ".py");
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT)) {
      Files.writeString(script, PYTHON_CLIENT);
      Tool.Result r = Tool.run("python3", script.toString(), String.valueOf(server.port()));
      assertEquals(0, r.exit(), r.out() + r.err());
      assertEquals("http.client ok\npipeline ok\n", r.out(), r.err());
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** Pipelined requests in one write, a body split across requests: answered in order, in full. */
  @BackendTest
  void pipelinedRequestsAreAnsweredInOrder(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT);
        RawHttp c = new RawHttp(server.port())) {
      StringBuilder pipeline = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        String body = "request " + i;
        pipeline.append("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        pipeline.append("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
        pipeline.append("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
      }
      byte[] bytes = pipeline.toString().getBytes(StandardCharsets.US_ASCII);
      // Dribbled in small pieces: every request, header and chunk line crosses reads somewhere.
      for (int i = 0; i < bytes.length; i += 7) {
        c.send(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7)));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals("request " + i, c.read().text());
        RawHttp.Response head = c.read(true);
        assertEquals(200, head.status());
        assertEquals("13", head.header("Content-Length"));
        assertEquals("abc", c.read().text());
      }
      c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      assertEquals("Hello, World!", c.read().text());
      assertTrue(c.closedByServer(), "Connection: close ends the connection");
    }
  }

  /** Each malformed request gets its status with an explanation, then the connection closes. */
  @BackendTest
  void malformedRequestsGetAClearStatusAndClose(String backend) throws Exception {
    String[][] cases = {
      {"400", "GARBAGE\r\n\r\n", "bad request line"},
      {"400", "GET /\r\nHost: t\r\n\r\n", "bad request line"},
      {"400", "GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n", "bad request line"},
      {"400", "G@T / HTTP/1.1\r\nHost: t\r\n\r\n", "invalid character in method"},
      {"400", "GET / HTTP/1.x\r\nHost: t\r\n\r\n", "bad HTTP version"},
      {"505", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", "not supported"},
      {"400", "GET / HTTP/1.1\nHost: t\r\n\r\n", "bare LF"},
      {"400", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", "space before colon"},
      {"400", "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", "obsolete line folding"},
      {"400", "GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n", "no field name and colon"},
      {"400", "GET / HTTP/1.1\r\nHost: t\r\nX: a\u0000b\r\n\r\n", "invalid character in field value"},
      {"400", "GET / HTTP/1.1\r\n\r\n", "missing Host"},
      {"400", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "more than one Host"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n", "bad Content-Length"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "conflicting Content-Length"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "both Content-Length and Transfer-Encoding"},
      {"400", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.0"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "more than once"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", "must end with chunked"},
      {"501", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "not supported: gzip"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n0\r\n\r\n", "bad chunk size"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "too many digits"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", "chunk data"},
      {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", "bad trailer"},
      {"417", "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: telepathy\r\nContent-Length: 1\r\n\r\nx", "unsupported expectation"},
    };
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT)) {
      for (String[] c : cases) {
        try (RawHttp client = new RawHttp(server.port())) {
          client.send(c[1]);
          RawHttp.Response r = client.read();
          String what = c[1].replace("\r", "\\r").replace("\n", "\\n");
          assertEquals(Integer.parseInt(c[0]), r.status(), what + " -> " + r.head() + r.text());
          assertEquals("close", r.header("Connection"), what);
          assertTrue(r.text().contains(c[2]), what + ": the reason says why: " + r.text());
          assertTrue(client.closedByServer(), what + ": the connection closes after a refusal");
        }
      }
      // The server is unharmed.
      try (RawHttp client = new RawHttp(server.port())) {
        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals("Hello, World!", client.read().text());
      }
    }
  }

  /** Too large a head is a 431, too many fields too; too large a body, announced or chunked, a 413. */
  @BackendTest
  void oversizedHeadsAndBodiesAreRefused(String backend) throws Exception {
    HttpLimits limits = HttpLimits.DEFAULT.withMaxHeadBytes(4096).withMaxHeaderFields(20).withMaxBodyBytes(10_000);
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, limits)) {
      String longField = "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n";
      String manyFields = "GET / HTTP/1.1\r\nHost: t\r\n" + "X-F: 1\r\n".repeat(21) + "\r\n";
      String longTarget = "GET /" + "p".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n";
      String announced = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10001\r\n\r\n";
      String chunked =
          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
              + ("fa0\r\n" + "b".repeat(4000) + "\r\n").repeat(3)
              + "0\r\n\r\n";
      String trailers =
          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + "T: " + "c".repeat(5000) + "\r\n\r\n";
      String[][] cases = {
        {"431", longField}, {"431", manyFields}, {"431", longTarget}, {"413", announced}, {"413", chunked}, {"431", trailers}
      };
      for (String[] c : cases) {
        try (RawHttp client = new RawHttp(server.port())) {
          client.send(c[1]);
          RawHttp.Response r = client.read();
          assertEquals(Integer.parseInt(c[0]), r.status(), c[1].substring(0, 40) + " -> " + r.head() + r.text());
          assertTrue(client.closedByServer(), "closed after " + r.status());
        }
      }
      // Just within the limits is fine.
      try (RawHttp client = new RawHttp(server.port())) {
        String body = "d".repeat(10_000);
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\n\r\n" + body);
        assertEquals(body, client.read().text());
      }
    }
  }

  /**
   * A client that sends header lines forever, as fast as it can, is cut off by the head size bound
   * (431, then the connection ends) and its writes fail; meanwhile others are served.
   */
  @BackendTest
  void endlessHeadersAreCutByTheSizeBound(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT);
        RawHttp loris = new RawHttp(server.port())) {
      loris.send("GET / HTTP/1.1\r\nHost: t\r\n");
      byte[] line = "X-Forever: 0123456789abcdef\r\n".getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      boolean cut = false;
      try {
        while (sent < 256L * 1024 * 1024) {
          loris.send(line);
          sent += line.length;
          if (sent % (64 * line.length) == 0) {
            assertServes(server); // others are served while it writes
          }
        }
      } catch (SocketException e) {
        cut = true; // broken pipe or reset: the server ended the connection
      }
      assertTrue(cut, "the server read " + sent + " bytes of headers without ending the connection");
      assertServes(server);
    }
  }

  /**
   * A client that sends one header line at a time, slowly, stays under the size bound; the head
   * timeout cuts it (408), and others are served while it trickles.
   */
  @BackendTest
  void slowHeadersAreCutByTheHeadTimeout(String backend) throws Exception {
    HttpLimits limits = HttpLimits.DEFAULT.withHeadTimeout(Duration.ofMillis(500));
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, limits);
        RawHttp loris = new RawHttp(server.port())) {
      CompletableFuture<RawHttp.Response> answer = new CompletableFuture<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      answer.complete(loris.read());
                    } catch (Throwable e) {
                      answer.completeExceptionally(e);
                    }
                  });
      loris.send("GET / HTTP/1.1\r\nHost: t\r\n");
      int lines = 0;
      try {
        // 20 bytes a line: 8 KiB would take 400 lines; the timeout comes long before.
        while (!answer.isDone() && lines < 300) {
          loris.send("X-Slow-" + lines + ": 1\r\n");
          lines++;
          assertServes(server);
          Thread.sleep(20); // the pace of a slow client, not an ordering of events
        }
      } catch (SocketException e) {
        // the server closed first; the answer is still to read
      }
      RawHttp.Response r = answer.get(60, TimeUnit.SECONDS);
      assertEquals(408, r.status(), r.head() + r.text());
      assertTrue(loris.closedByServer());
      reader.join();
      assertServes(server);
    }
  }

  /** 64 clients at once, 25 keep-alive exchanges each, bodies and all: every answer right. */
  @BackendTest
  void manyConcurrentClients(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT);
        ExecutorService clients = Executors.newFixedThreadPool(64)) {
      int port = server.port();
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < 64; c++) {
        int id = c;
        done.add(
            clients.submit(
                () -> {
                  try (RawHttp client = new RawHttp(port)) {
                    for (int i = 0; i < 25; i++) {
                      String body = ("client " + id + " exchange " + i + " ").repeat(1 + (id * i) % 200);
                      client.send(
                          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                      RawHttp.Response r = client.read();
                      assertEquals(body, r.text());
                      client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                      assertEquals("Hello, World!", client.read().text());
                    }
                    return 50;
                  }
                }));
      }
      int answers = 0;
      for (Future<Integer> f : done) {
        answers += f.get(150, TimeUnit.SECONDS);
      }
      assertEquals(64 * 50, answers);
      assertEquals(64L * 50, server.requestsServed());
    }
  }

  /**
   * A 32 MB stream, far more than the socket buffers hold: the server produces it only as the
   * client reads (pausing at the write buffer's high watermark), the whole body arrives, and the
   * request pipelined behind it is answered after it.
   */
  @BackendTest
  void aStreamWaitsForItsReader(String backend) throws Exception {
    try (InProcessHttpServer server = InProcessHttpServer.start(backend, HttpLimits.DEFAULT);
        RawHttp c = new RawHttp(server.port())) {
      c.send("GET /stream?chunks=2000&size=16384 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Response r = c.read();
      assertEquals(2000 * 16384, r.body().length);
      assertNull(r.header("Content-Length"));
      assertEquals("Hello, World!", c.read().text(), "the request behind the stream waited for it");
    }
  }

  private static void assertServes(InProcessHttpServer server) throws Exception {
    try (RawHttp other = new RawHttp(server.port())) {
      other.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      RawHttp.Response r = other.read();
      assertEquals(200, r.status());
      assertEquals("Hello, World!", r.text());
    }
  }

  /** A command-line tool run to completion, its output gathered. */
  static final class Tool {
    record Result(int exit, byte[] bytes, String err) {
      String out() {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    }

    static Result run(String... command) throws IOException, InterruptedException {
      Assumptions.assumeTrue(onPath(command[0]), () -> command[0] + " is not installed");
      Path err = Files.createTempFile("zloop-tool", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return p.getInputStream().readAllBytes();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          fail(String.join(" ", command) + " did not finish: " + Files.readString(err));
        }
        return new Result(p.exitValue(), out.join(), Files.readString(err));
      } finally {
        Files.deleteIfExists(err);
      }
    }

    static boolean onPath(String tool) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, tool))) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String PYTHON_CLIENT =
      """
      import http.client, io, socket, sys
      port = int(sys.argv[1])

      c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
      c.request("GET", "/")
      r = c.getresponse()
      assert r.status == 200 and r.read() == b"Hello, World!", r.status
      sock = c.sock
      c.request("GET", "/stream?chunks=3")
      r = c.getresponse()
      body = r.read()
      assert r.getheader("Transfer-Encoding") == "chunked", r.getheaders()
      assert body == b"chunk 0\\nchunk 1\\nchunk 2\\n", body
      parts = [bytes([65 + i]) * (1000 + i) for i in range(20)]
      c.request("POST", "/echo", body=iter(parts), headers={"Content-Type": "application/x-test"}, encode_chunked=True)
      r = c.getresponse()
      echoed = r.read()
      assert r.status == 200 and echoed == b"".join(parts), (r.status, len(echoed))
      assert r.getheader("Content-Type") == "application/x-test", r.getheaders()
      c.request("POST", "/echo", body=b"x" * 100000)
      r = c.getresponse()
      assert r.read() == b"x" * 100000
      c.request("DELETE", "/")
      r = c.getresponse()
      r.read()
      assert r.status == 405 and r.getheader("Allow") == "GET, HEAD", (r.status, r.getheaders())
      assert c.sock is sock, "the connection was not kept alive"
      c.close()

      class Http10(http.client.HTTPConnection):
          _http_vsn = 10
          _http_vsn_str = "HTTP/1.0"
      c = Http10("127.0.0.1", port, timeout=60)
      c.request("GET", "/")
      r = c.getresponse()
      assert r.read() == b"Hello, World!" and r.getheader("Connection") == "close" and r.will_close
      c.close()
      print("http.client ok")

      s = socket.create_connection(("127.0.0.1", port), timeout=60)
      requests, expected = [], []
      for i in range(10):
          b = ("body %d" % i).encode()
          requests.append(b"POST /echo HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(b), b))
          expected.append(b)
          requests.append(b"GET /stream?chunks=2 HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
          expected.append(b"chunk 0\\nchunk 1\\n")
      requests.append(b"GET / HTTP/1.1\\r\\nHost: t\\r\\nConnection: close\\r\\n\\r\\n")
      expected.append(b"Hello, World!")
      s.sendall(b"".join(requests))
      data = b""
      while True:
          b = s.recv(65536)
          if not b:
              break
          data += b

      class Kept(io.BytesIO):
          def close(self):
              pass
      class Replay:
          def __init__(self, data):
              self.f = Kept(data)
          def makefile(self, *args, **kwargs):
              return self.f
      replay = Replay(data)
      bodies = []
      while replay.f.tell() < len(data):
          r = http.client.HTTPResponse(replay)
          r.begin()
          bodies.append(r.read())
      assert bodies == expected, bodies
      print("pipeline ok")
      """;
}
