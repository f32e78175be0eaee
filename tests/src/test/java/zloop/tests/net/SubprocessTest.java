package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.awaitFailure;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.EventLoopClosedException;
import zloop.Future;
import zloop.Server;
import zloop.Stdio;
import zloop.SubprocessConnection;
import zloop.SubprocessOptions;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Child processes on every backend: real programs ({@code cat}, {@code sh}, {@code python3}) as
 * children, their pipes as loop transports, exits and signals as asyncio's return codes, and what
 * a child inherits. Facts ported from CPython's {@code test_asyncio/test_subprocess.py}.
 */
@Timeout(300)
@ExtendWith(FdLeakCheck.class)
class SubprocessTest {
  private static final SubprocessOptions QUIET =
      SubprocessOptions.DEFAULT.withStdin(Stdio.DEVNULL).withStdout(Stdio.DEVNULL).withStderr(Stdio.DEVNULL);

  /** nio's children are the JDK's: a signal's death reads as 128 + signal there. */
  private static int killedBy(String backend, int signal) {
    return backend.equals("nio") ? 128 + signal : -signal;
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * 64 MiB through {@code cat}: written while the stdin pipe is not paused (so the pipe fills and
   * pauseWriting comes), read back from stdout, checksummed; then exit 0 and connectionLost.
   */
  @BackendTest
  void catEchoes64MiBChecksummed(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      byte[] block = Net.payload(1 << 20, 64);
      int blocks = 64;
      CRC32 expected = new CRC32();
      for (int i = 0; i < blocks; i++) {
        expected.update(block);
      }
      ChildRecorder child = new ChildRecorder(loop);
      SubprocessConnection<ChildRecorder> c =
          await(
              loop,
              loop.subprocessExec(() -> child, List.of("cat"), SubprocessOptions.DEFAULT.withStderr(Stdio.DEVNULL)),
              "spawn cat");
      Transport stdin = c.transport().getPipeTransport(0);
      int chunk = 256 * 1024;
      long total = (long) blocks * block.length;
      long[] sent = {0};
      Runnable pump =
          () -> {
            while (!child.writingPaused && sent[0] < total) {
              int at = (int) (sent[0] % block.length);
              stdin.write(ByteBuffer.wrap(block, at, Math.min(chunk, block.length - at)));
              sent[0] += Math.min(chunk, block.length - at);
            }
            if (sent[0] == total && !stdin.isClosing()) {
              stdin.close(); // flushes, then cat sees the end of its input
            }
          };
      child.onResume = pump;
      pump.run();
      await(loop, child.lost, "cat's connectionLost", java.time.Duration.ofMinutes(4));
      assertEquals(total, child.received[1], "bytes echoed");
      assertEquals(expected.getValue(), child.stdoutCrc.getValue(), "checksum");
      assertEquals(0, c.transport().returnCode().orElseThrow());
      assertTrue(child.pauses > 0, "the full pipe paused the writer: " + child.events);
      assertEquals("connectionMade", child.events.get(0));
      assertEquals("connectionLost", child.events.get(child.events.size() - 1));
      assertTrue(child.events.contains("processExited 0"), child.events.toString());
      assertTrue(child.events.contains("pipeConnectionLost 0"), child.events.toString());
      assertTrue(child.events.contains("pipeConnectionLost 1"), child.events.toString());
    }
  }

  /**
   * asyncio's return codes: an exit status as it is, a death by signal as minus the signal
   * (test_shell, test_terminate, test_kill); signals after the exit do nothing, after
   * connectionLost they fail (ProcessLookupError in asyncio, test_proc_exited).
   */
  @BackendTest
  void exitStatusAndSignalsBecomeReturnCodes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Subprocess exit7 = await(loop, loop.createSubprocessShell("exit 7", QUIET), "sh exit 7");
      assertEquals(7, await(loop, exit7.waitFor(), "exit 7"));
      assertEquals(7, exit7.returnCode().orElseThrow());

      zloop.Subprocess selfKill =
          await(loop, loop.createSubprocessShell("kill -TERM $$", QUIET), "sh kill -TERM $$");
      assertEquals(killedBy(backend, 15), await(loop, selfKill.waitFor(), "kill -TERM $$"));

      zloop.Subprocess terminated =
          await(loop, loop.createSubprocessExec(List.of("cat"), SubprocessOptions.DEFAULT.withStdout(Stdio.DEVNULL).withStderr(Stdio.DEVNULL)), "cat");
      assertTrue(terminated.returnCode().isEmpty());
      terminated.terminate();
      assertEquals(killedBy(backend, 15), await(loop, terminated.waitFor(), "terminate"));

      ChildRecorder child = new ChildRecorder(loop);
      SubprocessConnection<ChildRecorder> killed =
          await(loop, loop.subprocessExec(() -> child, List.of("cat"), SubprocessOptions.DEFAULT), "cat");
      Future<Integer> cancelledWait = killed.transport().exited();
      cancelledWait.cancel(); // one cancelled wait does not cancel another (CPython #23140)
      killed.transport().kill();
      assertEquals(killedBy(backend, 9), await(loop, killed.transport().exited(), "kill"));
      killed.transport().close();
      await(loop, child.lost, "connectionLost");
      assertThrows(IllegalStateException.class, () -> killed.transport().terminate());

      // close() kills a child still running, and its exit is still reported (test_close_kill_running)
      ChildRecorder running = new ChildRecorder(loop);
      SubprocessConnection<ChildRecorder> closed =
          await(loop, loop.subprocessExec(() -> running, List.of("cat"), SubprocessOptions.DEFAULT), "cat");
      closed.transport().close();
      assertTrue(closed.transport().isClosing());
      await(loop, running.lost, "connectionLost after close");
      assertEquals(killedBy(backend, 9), closed.transport().returnCode().orElseThrow());
      assertTrue(running.events.contains("processExited " + killedBy(backend, 9)), running.events.toString());
    }
  }

  /** stderr=STDOUT: both streams arrive on the stdout pipe; there is no stderr pipe. */
  @BackendTest
  void stderrGoesToStdout(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Subprocess p =
          await(
              loop,
              loop.createSubprocessShell(
                  "echo out; echo err 1>&2; echo out2",
                  SubprocessOptions.DEFAULT.withStdin(Stdio.DEVNULL).withStderr(Stdio.STDOUT)),
              "sh");
      assertNull(p.stderr());
      zloop.Subprocess.Output out = await(loop, p.communicate(null), "communicate");
      assertEquals("out\nerr\nout2\n", utf8(out.stdout()));
      assertEquals(0, out.stderr().length);
      assertEquals(0, p.returnCode().orElseThrow());
    }
  }

  /**
   * The child exits while a grandchild still holds its pipes: the exit is reported (waitFor
   * returns) at once, and the pipes stay usable until the grandchild lets go. On nio the JDK
   * closes a child's pipes when it exits, so only the exit part holds there.
   */
  @BackendTest
  void childExitsWhileAGrandchildHoldsItsPipes(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Subprocess p =
          await(
              loop,
              loop.createSubprocessShell(
                  "exec 3<&0; cat <&3 3<&- & exit 7", SubprocessOptions.DEFAULT.withStderr(Stdio.DEVNULL)),
              "sh with a background cat");
      assertEquals(7, await(loop, p.waitFor(), "the child's exit"));
      if (!backend.equals("nio")) {
        p.stdin().write("still here\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("still here\n", utf8(await(loop, p.stdout().readLine(), "the grandchild's echo")));
      }
      p.stdin().close(); // the grandchild sees the end of its input and exits
      await(loop, p.stdout().read(-1), "stdout's end");
      Net.spin(loop, 3);
    }
  }

  /** 200 short-lived children: every one reaped (no zombie) and every pipe closed (no fd). */
  @BackendTest
  void twoHundredShortLivedChildrenLeaveNoZombieAndNoDescriptor(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      List<Long> pids = new ArrayList<>();
      for (int batch = 0; batch < 10; batch++) {
        List<ChildRecorder> children = new ArrayList<>();
        List<Future<SubprocessConnection<ChildRecorder>>> starting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          ChildRecorder child = new ChildRecorder(loop);
          children.add(child);
          starting.add(loop.subprocessExec(() -> child, List.of("true"), SubprocessOptions.DEFAULT));
        }
        for (Future<SubprocessConnection<ChildRecorder>> f : starting) {
          pids.add(await(loop, f, "spawn true").transport().pid());
        }
        for (ChildRecorder child : children) {
          try {
            await(loop, child.lost, "connectionLost of true");
          } catch (AssertionError e) {
            throw new AssertionError(child.transport + " " + child.events, e);
          }
          assertEquals(0, child.transport.returnCode().orElseThrow());
        }
      }
      Net.spin(loop, 2);
      long me = ProcessHandle.current().pid();
      for (long pid : pids) {
        assertFalse(isZombieChildOf(pid, me), "child " + pid + " is a zombie");
      }
    }
  }

  /** Whether {@code pid} is a zombie whose parent is {@code parent} (/proc/PID/stat). */
  private static boolean isZombieChildOf(long pid, long parent) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (NoSuchFileException e) {
      return false; // reaped and gone
    }
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return f[0].equals("Z") && Long.parseLong(f[1]) == parent;
  }

  /**
   * A child inherits only descriptors 0-2, though the JVM holds a listening socket and the loop's
   * own descriptors (python3 lists /proc/self/fd). On the native backends every descriptor the loop
   * opened, the child's pipe ends and pidfd included, is close-on-exec (/proc/self/fdinfo).
   */
  @BackendTest
  void aChildInheritsOnlyItsThreeDescriptors(String backend) throws IOException {
    java.util.Set<Integer> before = FdLeakCheck.snapshot().keySet();
    try (EventLoop loop = Backends.open(backend)) {
      Server server = await(loop, loop.createServer(Echo.Plain::new, "127.0.0.1", 0, null), "server");
      String code =
          """
          import os
          for fd in sorted(int(x) for x in os.listdir('/proc/self/fd')):
              try:
                  t = os.readlink('/proc/self/fd/%d' % fd)
              except OSError:
                  t = 'gone'
              print(fd, t)
          """;
      zloop.Subprocess p =
          await(loop, loop.createSubprocessExec(List.of("python3", "-c", code), SubprocessOptions.DEFAULT), "python3");
      if (!backend.equals("nio")) {
        for (int fd : FdLeakCheck.snapshot().keySet()) {
          if (!before.contains(fd)) {
            assertTrue(closeOnExec(fd), "descriptor " + fd + " opened by the loop is not close-on-exec");
          }
        }
      }
      zloop.Subprocess.Output out = await(loop, p.communicate(null), "python3's listing");
      assertEquals(0, p.returnCode().orElseThrow(), utf8(out.stderr()));
      List<String> lines = utf8(out.stdout()).lines().toList();
      assertTrue(lines.size() >= 3, lines.toString());
      for (String line : lines) {
        int fd = Integer.parseInt(line.substring(0, line.indexOf(' ')));
        assertTrue(fd <= 2 || line.endsWith(" gone"), "the child inherited " + line + ": " + lines);
      }
      Net.shutdown(loop, server);
    }
  }

  private static boolean closeOnExec(int fd) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
      if (line.startsWith("flags:")) {
        return (Integer.parseInt(line.substring(6).strip(), 8) & 02000000) != 0;
      }
    }
    throw new AssertionError("no flags for fd " + fd);
  }

  /** Real programs: python3 as a filter (test_communicate), sh with a directory and environment. */
  @BackendTest
  void realProgramsAsChildren(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend)) {
      zloop.Subprocess py =
          await(
              loop,
              loop.createSubprocessExec(
                  List.of(
                      "python3",
                      "-c",
                      "import sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(d[::-1]);"
                          + " sys.stderr.write('n=%d' % len(d))"),
                  SubprocessOptions.DEFAULT),
              "python3");
      zloop.Subprocess.Output out = await(loop, py.communicate("abcdef".getBytes(StandardCharsets.UTF_8)), "communicate");
      assertEquals("fedcba", utf8(out.stdout()));
      assertEquals("n=6", utf8(out.stderr()));
      assertEquals(0, py.returnCode().orElseThrow());

      Path dir = Files.createTempDirectory("zloop-subprocess").toRealPath();
      try {
        zloop.Subprocess sh =
            await(
                loop,
                loop.createSubprocessExec(
                    List.of("sh", "-c", "pwd; echo \"$ZLOOP_X\"; echo \"${HOME:-unset}\""),
                    SubprocessOptions.DEFAULT
                        .withStdin(Stdio.DEVNULL)
                        .withDirectory(dir)
                        .withEnvironment(Map.of("ZLOOP_X", "42", "PATH", System.getenv("PATH")))),
                "sh");
        assertEquals(dir + "\n42\nunset\n", utf8(await(loop, sh.communicate(null), "sh").stdout()));
      } finally {
        Files.delete(dir);
      }

      zloop.Subprocess cat =
          await(loop, loop.createSubprocessExec(List.of("cat"), SubprocessOptions.DEFAULT.withStderr(Stdio.DEVNULL)), "cat");
      cat.stdin().write("line one\nline two\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("line one\n", utf8(await(loop, cat.stdout().readLine(), "readline")));
      assertEquals("line two\n", utf8(await(loop, cat.stdout().readLine(), "readline")));
      cat.stdin().close();
      assertEquals(0, await(loop, cat.stdout().read(-1), "EOF").length);
      assertEquals(0, await(loop, cat.waitFor(), "cat's exit"));
      Net.spin(loop, 2);
    }
  }

  /**
   * Writing to a child that exited fails the drain (test_stdin_broken_pipe); communicate ignores
   * it (test_communicate_ignore_broken_pipe).
   */
  @BackendTest
  void aBrokenStdinFailsDrainButNotCommunicate(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      byte[] large = new byte[4 << 20];
      SubprocessOptions stdinOnly = QUIET.withStdin(Stdio.PIPE);
      zloop.Subprocess p = await(loop, loop.createSubprocessExec(List.of("true"), stdinOnly), "true");
      await(loop, p.waitFor(), "exit");
      p.stdin().write(large);
      Throwable failure = awaitFailure(loop, p.stdin().drain(), "drain to a dead child");
      assertInstanceOf(IOException.class, failure, failure.toString());

      zloop.Subprocess q = await(loop, loop.createSubprocessExec(List.of("true"), stdinOnly), "true");
      await(loop, q.waitFor(), "exit");
      loop.setExceptionHandler((l, ctx) -> {});
      await(loop, q.communicate(large), "communicate with a dead child");
      Net.spin(loop, 2);
    }
  }

  /** Bad input gets a clear error and breaks nothing: the loop still runs a child afterwards. */
  @BackendTest
  void badInputIsRefusedClearly(String backend) {
    EventLoop loop = Backends.open(backend);
    try (loop) {
      Throwable missing =
          awaitFailure(loop, loop.createSubprocessExec(List.of("zloop-no-such-program"), QUIET), "missing");
      assertInstanceOf(FileNotFoundException.class, missing);
      assertTrue(missing.getMessage().contains("zloop-no-such-program"), missing.getMessage());
      Throwable missingPath =
          awaitFailure(loop, loop.createSubprocessExec(List.of("/nonexistent/zloop"), QUIET), "missing path");
      assertInstanceOf(FileNotFoundException.class, missingPath);
      Throwable notExecutable =
          awaitFailure(loop, loop.createSubprocessExec(List.of("/etc/passwd"), QUIET), "not executable");
      assertInstanceOf(IOException.class, notExecutable);
      assertThrows(IllegalArgumentException.class, () -> loop.createSubprocessExec(List.of(), QUIET));
      assertThrows(IllegalArgumentException.class, () -> loop.createSubprocessShell("", QUIET));
      assertThrows(IllegalArgumentException.class, () -> loop.createSubprocessExec(List.of("echo", "a\0b"), QUIET));
      assertThrows(IllegalArgumentException.class, () -> QUIET.withStdout(Stdio.STDOUT));
      zloop.Subprocess ok = await(loop, loop.createSubprocessShell("exit 3", QUIET), "a good child after bad input");
      assertEquals(3, await(loop, ok.waitFor(), "exit 3"));
    }
    assertThrows(EventLoopClosedException.class, () -> loop.createSubprocessExec(List.of("true"), QUIET));
  }
}
