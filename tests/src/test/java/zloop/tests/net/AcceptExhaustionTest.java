package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * accept() under descriptor exhaustion (EMFILE): the listener must survive, report the error to
 * the exception handler, pause accepting (asyncio: for 1 s) and, once descriptors are free again,
 * accept the connections that waited in the backlog and any new ones.
 *
 * <p>The server runs in a child JVM ({@link AcceptUnderEmfile}) started under {@code prlimit
 * --nofile=256:256}, which fills its descriptor table and leaves exactly {@value #FREE} slots
 * free. This process (with a normal limit) is the client.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class AcceptExhaustionTest {
  private static final int FREE = 3;
  private static final int EXTRA = 3;
  private static final long WAIT_SECONDS = 30;

  @BackendTest
  void theListenerSurvivesEmfileAndAcceptsOnceDescriptorsAreFree(String backend) throws Exception {
    Backends.open(backend).close(); // aborts the test if the backend is unavailable here
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs util-linux prlimit");
    try (Child child = Child.start(backend, FREE)) {
      String ready = child.expect("READY");
      Matcher m = Pattern.compile("port=(\\d+)").matcher(ready);
      assertTrue(m.find(), ready);
      int port = Integer.parseInt(m.group(1));
      List<Socket> clients = new ArrayList<>();
      try {
        // FREE connections fit in the descriptor table: each is accepted and echoes.
        for (int i = 0; i < FREE; i++) {
          Socket s = connect(port);
          clients.add(s);
          assertEquals("ok", echo(s, (byte) i), "connection " + i + " fits in the free descriptors");
        }
        // More connections: the kernel completes them (backlog), the server's accept fails.
        List<Socket> waiting = new ArrayList<>();
        for (int i = 0; i < EXTRA; i++) {
          Socket s = connect(port);
          waiting.add(s);
          clients.add(s);
          s.getOutputStream().write('w');
        }
        String error = child.expect("ACCEPT-ERROR");
        assertTrue(
            error.contains("Too many open files") || error.contains("EMFILE"),
            "the accept error names the exhaustion: " + error);
        String stats = child.ask("stats");
        assertTrue(stats.contains("serving=true"), "the server still serves after EMFILE: " + stats);
        assertTrue(stats.contains("listeners=1"), "the listener is still open: " + stats);

        // Free descriptors by ending the first connections: the server closes its side.
        for (int i = 0; i < FREE; i++) {
          clients.get(i).close();
        }
        // The waiting connections are accepted once accepting resumes, and echo their byte.
        for (int i = 0; i < EXTRA; i++) {
          Socket s = waiting.get(i);
          s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
          assertEquals('w', s.getInputStream().read(), "connection " + (FREE + i) + " waited in the backlog, then echoed");
        }
        // ... and a brand-new connection too, after freeing everything.
        child.send("free-all");
        child.expect("FREED");
        Socket late = connect(port);
        clients.add(late);
        assertEquals("ok", echo(late, (byte) 99), "a new connection after the exhaustion");
        String end = child.ask("stats");
        assertTrue(end.contains("accepted=" + (1 + FREE + EXTRA + 1)), "warm-up + all connections accepted: " + end);
        assertTrue(end.contains("otherErrors=0"), "no other error: " + end);
      } finally {
        for (Socket s : clients) {
          s.close();
        }
      }
      child.send("quit");
      child.expect("BYE");
      assertEquals(0, child.waitFor(), "the child's exit code; output:\n" + child.output());
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private static String echo(Socket s, byte b) throws IOException {
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    out.write(b);
    int got = in.read();
    return got == (b & 0xff) ? "ok" : "got " + got;
  }

  /** The child JVM, under a low descriptor limit. */
  private static final class Child implements AutoCloseable {
    private final Subprocess process;

    private Child(Subprocess process) {
      this.process = process;
    }

    static Child start(String backend, int free) throws IOException {
      String java = ProcessHandle.current().info().command().orElseThrow();
      List<String> cmd = new ArrayList<>();
      cmd.add("/usr/bin/prlimit");
      cmd.add("--nofile=256:256");
      cmd.add("--");
      cmd.add(java);
      cmd.add("--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue");
      cmd.add("--add-opens");
      cmd.add("java.base/java.lang=zloop.engine");
      cmd.add("-Xmx256m");
      cmd.addAll(Backends.childJvmProperties());
      cmd.add("--module-path");
      cmd.add(System.getProperty("jdk.module.path"));
      cmd.add("--add-modules");
      cmd.add("ALL-MODULE-PATH");
      cmd.add("-m");
      cmd.add("zloop.tests/zloop.tests.net.AcceptUnderEmfile");
      cmd.add(backend);
      cmd.add(String.valueOf(free));
      return new Child(Subprocess.start(cmd));
    }

    String expect(String prefix) throws InterruptedException {
      return process.expect(prefix);
    }

    void send(String command) {
      process.send(command);
    }

    String ask(String command) throws InterruptedException {
      send(command);
      return expect("STATS");
    }

    String output() {
      return process.output();
    }

    int waitFor() throws InterruptedException {
      return process.waitFor();
    }

    @Override
    public void close() throws IOException {
      process.close();
    }
  }
}
