package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import zloop.tests.BackendTest;
import zloop.tests.Backends;
import zloop.tests.SignalProbe;

/**
 * The HTTP example's graceful shutdown: {@code zloop.examples.http.HttpExample} in a JVM of its
 * own, as {@code scripts/http-server} runs it, gets SIGTERM with one idle keep-alive connection and
 * one request in flight (its head in, half its body still to come). The idle connection is closed,
 * new connections are refused, the request in flight is answered in full (with {@code Connection:
 * close}) once its body arrives, and the process then exits with status 0.
 */
@Timeout(180)
class HttpExampleShutdownTest {
  private static final Pattern LISTENING =
      Pattern.compile("^zloop http server \\((\\S+)\\) listening on 127\\.0\\.0\\.1:(\\d+)\\s*$", Pattern.MULTILINE);

  @BackendTest
  void sigtermFinishesTheRequestInFlightAndExits0(String backend) throws Exception {
    Assumptions.assumeTrue(Backends.availableNames().contains(backend), () -> backend + " is unavailable here");
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue");
    command.addAll(List.of("--add-opens", "java.base/java.lang=zloop.engine"));
    command.addAll(Backends.childJvmProperties()); // the kqueue library, where configured
    command.addAll(
        List.of(
            "--module-path",
            EchoServerProcess.modulePath(),
            "--add-modules",
            "ALL-MODULE-PATH",
            "-m",
            "zloop.examples/zloop.examples.http.HttpExample",
            "--backend",
            backend,
            "--port",
            "0",
            "--trace"));
    Path log = Files.createTempFile("zloop-http-server", ".log");
    Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    server.getOutputStream().close();
    try {
      Matcher m = awaitLine(server, log, LISTENING);
      assertEquals(backend, m.group(1));
      int port = Integer.parseInt(m.group(2));
      try (Socket idle = connect(port);
          Socket inFlight = connect(port)) {
        send(idle, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertTrue(readResponse(idle.getInputStream()).endsWith("Hello, World!"));
        send(inFlight, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345");
        awaitLine(server, log, Pattern.compile("^> POST /echo HTTP/1.1$", Pattern.MULTILINE)); // the head is in

        SignalProbe.kill(server.pid(), "TERM");
        awaitLine(server, log, Pattern.compile("^SIGTERM: shutting down, 2 connections open$", Pattern.MULTILINE));
        assertEquals(-1, idle.getInputStream().read(), "the idle keep-alive connection is closed");
        assertNoNewConnections(port);
        assertTrue(server.isAlive(), "the request in flight keeps the server up");

        send(inFlight, "67890");
        String answer = readResponse(inFlight.getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n1234567890"), answer);
        assertEquals(-1, inFlight.getInputStream().read(), "closed after the answer");
      }
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not exit: " + Files.readString(log));
      String out = Files.readString(log);
      assertEquals(0, server.exitValue(), out);
      assertTrue(out.contains("stopped: 2 requests served"), out);
    } finally {
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
    }
  }

  /**
   * A connection after SIGTERM is refused, or (a backend whose listening socket closes a moment
   * later, behind a pending accept) closed unanswered.
   */
  private static void assertNoNewConnections(int port) throws IOException {
    Socket late;
    try {
      late = connect(port);
    } catch (ConnectException refused) {
      return;
    }
    try (late) {
      send(late, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      assertEquals(-1, late.getInputStream().read(), "a connection after SIGTERM is served");
    } catch (java.net.SocketException reset) {
      // closed unanswered
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(60_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** One response with a Content-Length body, as text. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        fail("the connection ended before the response head: " + head);
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("\r\nContent-Length: (\\d+)\r\n").matcher(head);
    assertTrue(length.find(), head.toString());
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return head + new String(body, StandardCharsets.US_ASCII);
  }

  private static Matcher awaitLine(Process p, Path log, Pattern line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = line.matcher(Files.readString(log));
      if (m.find()) {
        return m;
      }
      if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    return fail("the server never printed " + line + "; its output:\n" + Files.readString(log));
  }
}
