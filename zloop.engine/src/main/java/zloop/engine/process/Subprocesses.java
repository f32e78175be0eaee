package zloop.engine.process;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import zloop.BaseProtocol;
import zloop.Connection;
import zloop.EventLoopClosedException;
import zloop.Future;
import zloop.Stdio;
import zloop.SubprocessConnection;
import zloop.SubprocessOptions;
import zloop.SubprocessProtocol;
import zloop.Transport;
import zloop.engine.Loop;
import zloop.engine.net.Pipes;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SpawnRequest;
import zloop.engine.task.LoopFuture;

/**
 * {@code subprocessExec}, {@code subprocessShell}, {@code connectReadPipe} and {@code
 * connectWritePipe}: checks the arguments, resolves the program and environment once for every
 * backend, and asks the backend to spawn ({@code posix_spawn}, exit through a pidfd) or, on a
 * backend that cannot (nio), the JDK's {@link ProcessBuilder} ({@link JdkChild}).
 *
 * <p>Errors are asyncio's: a program not found fails the returned future with a {@link
 * FileNotFoundException} naming it; an empty {@code argv} or a NUL in it is refused at once.
 */
public final class Subprocesses {
  private static final String SHELL = "/bin/sh";

  private final Loop loop;

  /**
   * @param loop the loop whose backend spawns and watches
   */
  public Subprocesses(Loop loop) {
    this.loop = loop;
  }

  /**
   * {@code loop.subprocessExec}.
   *
   * @param <P> the protocol's type
   * @param factory makes the protocol
   * @param argv the program and its arguments
   * @param options descriptors, directory, environment ({@code null}: the default)
   * @return a future of the transport and protocol
   */
  public <P extends SubprocessProtocol> Future<SubprocessConnection<P>> exec(
      Supplier<P> factory, List<String> argv, SubprocessOptions options) {
    Objects.requireNonNull(factory, "protocolFactory");
    Objects.requireNonNull(argv, "argv");
    SubprocessOptions o = options != null ? options : SubprocessOptions.DEFAULT;
    checkArgv(argv);
    checkOpen();
    LoopFuture<SubprocessConnection<P>> result = new LoopFuture<>(loop);
    ChildHandle child;
    try {
      child = spawn(argv, o);
    } catch (IOException e) {
      result.tryFail(e);
      return result;
    }
    P protocol;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
    } catch (RuntimeException e) {
      killAndForget(child);
      throw e;
    }
    SubprocessTransportImpl transport = new SubprocessTransportImpl(loop, child, protocol);
    transport.start(() -> result.tryComplete(new SubprocessConnection<>(transport, protocol)));
    return result;
  }

  /**
   * {@code loop.subprocessShell}: {@code /bin/sh -c command}.
   *
   * @param <P> the protocol's type
   * @param factory makes the protocol
   * @param command the shell command
   * @param options descriptors, directory, environment ({@code null}: the default)
   * @return a future of the transport and protocol
   */
  public <P extends SubprocessProtocol> Future<SubprocessConnection<P>> shell(
      Supplier<P> factory, String command, SubprocessOptions options) {
    Objects.requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the shell command is empty");
    }
    return exec(factory, List.of(SHELL, "-c", command), options);
  }

  /**
   * {@code loop.connectReadPipe} and {@code connectWritePipe}.
   *
   * @param <P> the protocol's type
   * @param factory makes the protocol
   * @param fd the descriptor the user owns
   * @param forWriting whether it is a write end
   * @return a future of the transport and protocol
   */
  public <P extends BaseProtocol> Future<Connection<P>> connectPipe(
      Supplier<P> factory, int fd, boolean forWriting) {
    Objects.requireNonNull(factory, "protocolFactory");
    checkOpen();
    SocketHandle pipe;
    try {
      pipe = loop.backend().openPipe(fd, forWriting);
    } catch (UnsupportedOperationException e) {
      throw new UnsupportedOperationException(
          (forWriting ? "connectWritePipe" : "connectReadPipe")
              + " needs a backend that wraps file descriptors (epoll, io_uring); the "
              + loop.backendName()
              + " backend cannot",
          e);
    } catch (IOException e) {
      LoopFuture<Connection<P>> failed = new LoopFuture<>(loop);
      failed.tryFail(e);
      return failed;
    }
    P protocol;
    try {
      protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
    } catch (RuntimeException e) {
      pipe.close();
      throw e;
    }
    LoopFuture<Connection<P>> result = new LoopFuture<>(loop);
    Transport[] made = new Transport[1];
    made[0] = Pipes.open(loop, pipe, protocol, () -> result.tryComplete(new Connection<>(made[0], protocol)));
    return result;
  }

  // ------------------------------------------------------------------ spawning

  private ChildHandle spawn(List<String> argv, SubprocessOptions o) throws IOException {
    Map<String, String> env = o.environment().orElseGet(System::getenv);
    String program = resolve(argv.get(0), env.get("PATH"));
    String directory = null;
    if (o.directory().isPresent()) {
      Path dir = o.directory().get().toAbsolutePath();
      if (!Files.isDirectory(dir)) {
        throw new FileNotFoundException("the working directory does not exist: " + dir);
      }
      directory = dir.toString();
    }
    List<String> environment = new ArrayList<>(env.size());
    env.forEach((k, v) -> environment.add(k + "=" + v));
    SpawnRequest request =
        new SpawnRequest(program, argv, environment, directory, o.stdin(), o.stdout(), o.stderr());
    try {
      return loop.backend().spawn(request);
    } catch (UnsupportedOperationException e) {
      return JdkChild.start(loop, request, o.environment().isPresent());
    }
  }

  /**
   * The program's absolute path: as given if it names a path, else the first executable file of
   * that name in {@code PATH} (the child's, as CPython's {@code os.get_exec_path(env)}).
   */
  static String resolve(String name, String path) throws FileNotFoundException {
    if (name.indexOf('/') >= 0) {
      Path p = Path.of(name).toAbsolutePath();
      if (!Files.exists(p)) {
        throw new FileNotFoundException("No such file or directory: '" + name + "'");
      }
      return p.toString();
    }
    String search = path != null ? path : "/bin:/usr/bin";
    for (String dir : search.split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().toString();
      }
    }
    throw new FileNotFoundException(
        "No such file or directory: '" + name + "' (not found in PATH=" + search + ")");
  }

  private static void checkArgv(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv is empty: a child needs at least a program");
    }
    for (String a : argv) {
      Objects.requireNonNull(a, "an argument is null");
      if (a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("an argument holds a NUL character: " + a.replace('\0', '?'));
      }
    }
    if (argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("the program name (argv[0]) is empty");
    }
  }

  private void checkOpen() {
    if (loop.isClosed()) {
      throw new EventLoopClosedException();
    }
    loop.checkThread();
  }

  private static void killAndForget(ChildHandle child) {
    for (int fd = 0; fd < 3; fd++) {
      SocketHandle pipe = child.pipe(fd);
      if (pipe != null) {
        pipe.close();
      }
    }
    child.close();
  }

  /** The stdio a request pipes, for the JDK fallback's redirects. */
  static boolean piped(Stdio s) {
    return s == Stdio.PIPE;
  }
}
