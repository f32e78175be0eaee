package zloop.engine.stream;

import java.util.List;
import zloop.Future;
import zloop.Subprocess;
import zloop.SubprocessConnection;
import zloop.SubprocessOptions;
import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/**
 * {@code createSubprocessExec} and {@code createSubprocessShell}: a child whose pipes are stream
 * readers and a writer (asyncio's {@code asyncio.subprocess}).
 */
public final class SubprocessStreams {
  private final Loop loop;

  /**
   * @param loop the loop the processes run on
   */
  public SubprocessStreams(Loop loop) {
    this.loop = loop;
  }

  /**
   * {@code createSubprocessExec}.
   *
   * @param argv the program and its arguments
   * @param options descriptors, directory, environment, reader limit ({@code null}: the default)
   * @return a future of the process
   */
  public Future<Subprocess> exec(List<String> argv, SubprocessOptions options) {
    SubprocessOptions o = options != null ? options : SubprocessOptions.DEFAULT;
    return wrap(loop.subprocessExec(() -> new ProcessStreamProtocol(loop, o.streamLimit()), argv, o));
  }

  /**
   * {@code createSubprocessShell}.
   *
   * @param command the shell command
   * @param options descriptors, directory, environment, reader limit ({@code null}: the default)
   * @return a future of the process
   */
  public Future<Subprocess> shell(String command, SubprocessOptions options) {
    SubprocessOptions o = options != null ? options : SubprocessOptions.DEFAULT;
    return wrap(loop.subprocessShell(() -> new ProcessStreamProtocol(loop, o.streamLimit()), command, o));
  }

  private Future<Subprocess> wrap(Future<SubprocessConnection<ProcessStreamProtocol>> starting) {
    LoopFuture<Subprocess> result = new LoopFuture<>(loop);
    starting.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            result.cancel();
          } else if (f.exception() != null) {
            result.tryFail(f.exception());
          } else {
            SubprocessConnection<ProcessStreamProtocol> c = f.result();
            result.tryComplete(new LoopSubprocess(loop, c.transport(), c.protocol()));
          }
        });
    return result;
  }

}
