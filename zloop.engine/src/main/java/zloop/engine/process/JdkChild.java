package zloop.engine.process;

import java.io.File;
import java.io.IOException;
import java.util.List;
import zloop.EventLoopClosedException;
import zloop.Stdio;
import zloop.engine.Loop;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SpawnRequest;

/**
 * A child started with the JDK's {@link ProcessBuilder}, for a backend that cannot spawn (nio).
 * The JDK launches it safely (its {@code jspawnhelper}, closing every other descriptor in the
 * child); its pipes are {@link StreamPipe}s, each served by a thread of its own; its exit comes
 * from the JDK's reaper thread ({@link Process#onExit()}) and is handed to the loop.
 *
 * <p>Two limits of {@link Process}: only {@code SIGTERM} ({@link Process#destroy()}) and {@code
 * SIGKILL} ({@link Process#destroyForcibly()}) can be sent, and a child killed by a signal
 * reports {@code 128 + signal}, which cannot be told from an exit with that status.
 *
 * <p>Loop thread only, but for what the JDK's threads hand over through {@code
 * callSoonThreadSafe}.
 */
final class JdkChild implements ChildHandle {
  private static final int SIGTERM = 15;
  private static final int SIGKILL = 9;

  private final Loop loop;
  private final Process process;
  private final StreamPipe[] pipes = new StreamPipe[3];
  private boolean exited;
  private boolean closed;

  private JdkChild(Loop loop, Process process, SpawnRequest request) {
    this.loop = loop;
    this.process = process;
    String name = "zloop-pipe-" + process.pid() + "-";
    if (request.stdin() == Stdio.PIPE) {
      pipes[0] = StreamPipe.writer(loop, process.getOutputStream(), name + "stdin");
    } else {
      closeQuietly(process.getOutputStream());
    }
    if (request.stdout() == Stdio.PIPE) {
      pipes[1] = StreamPipe.reader(loop, process.getInputStream(), name + "stdout");
    } else {
      closeQuietly(process.getInputStream());
    }
    if (request.stderr() == Stdio.PIPE) {
      pipes[2] = StreamPipe.reader(loop, process.getErrorStream(), name + "stderr");
    } else {
      closeQuietly(process.getErrorStream());
    }
  }

  static JdkChild start(Loop loop, SpawnRequest request, boolean ownEnvironment) throws IOException {
    List<String> command = new java.util.ArrayList<>(request.argv());
    command.set(0, request.program());
    ProcessBuilder pb = new ProcessBuilder(command);
    if (ownEnvironment) {
      pb.environment().clear();
      for (String entry : request.environment()) {
        int eq = entry.indexOf('=');
        pb.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    if (request.directory() != null) {
      pb.directory(new File(request.directory()));
    }
    pb.redirectInput(
        switch (request.stdin()) {
          case PIPE -> ProcessBuilder.Redirect.PIPE;
          case DEVNULL -> ProcessBuilder.Redirect.from(new File("/dev/null"));
          default -> ProcessBuilder.Redirect.INHERIT;
        });
    pb.redirectOutput(output(request.stdout()));
    if (request.stderr() == Stdio.STDOUT) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(output(request.stderr()));
    }
    return new JdkChild(loop, pb.start(), request);
  }

  private static ProcessBuilder.Redirect output(Stdio s) {
    return switch (s) {
      case PIPE -> ProcessBuilder.Redirect.PIPE;
      case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
      default -> ProcessBuilder.Redirect.INHERIT;
    };
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // a stream of a redirect that is not a pipe: nothing was open
    }
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public SocketHandle pipe(int fd) {
    return pipes[fd];
  }

  @Override
  public void onExit(ExitHandler handler) {
    process
        .onExit()
        .thenRun(
            () -> {
              try {
                loop.callSoonThreadSafe(
                    () -> {
                      exited = true;
                      if (pipes[0] != null) {
                        pipes[0].childExited();
                      }
                      if (!closed) {
                        handler.onExit(process.exitValue());
                      }
                    });
              } catch (EventLoopClosedException e) {
                // the loop is gone: nobody waits for this exit any more
              }
            });
  }

  @Override
  public void sendSignal(int signal) {
    if (exited || !process.isAlive()) {
      return;
    }
    if (signal == SIGTERM) {
      process.destroy();
    } else if (signal == SIGKILL) {
      process.destroyForcibly();
    } else {
      throw new UnsupportedOperationException(
          "the nio backend starts children with ProcessBuilder, which can send only SIGTERM (15)"
              + " and SIGKILL (9), not signal "
              + signal
              + "; use the epoll or io_uring backend");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (process.isAlive()) {
      process.destroyForcibly(); // the JDK's reaper thread reaps it
    }
  }

  @Override
  public String toString() {
    return "JdkChild[pid=" + process.pid() + "]";
  }
}
