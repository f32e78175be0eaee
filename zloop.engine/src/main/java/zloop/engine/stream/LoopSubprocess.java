package zloop.engine.stream;

import java.util.OptionalInt;
import zloop.Future;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Subprocess;
import zloop.SubprocessTransport;
import zloop.engine.Loop;
import zloop.engine.task.LoopFuture;

/** asyncio's {@code asyncio.subprocess.Process}: the transport with the pipes' streams. */
final class LoopSubprocess implements Subprocess {
  private static final byte[] NOTHING = new byte[0];

  private final Loop loop;
  private final SubprocessTransport transport;
  private final LoopStreamWriter stdin;
  private final LoopStreamReader stdout;
  private final LoopStreamReader stderr;

  LoopSubprocess(Loop loop, SubprocessTransport transport, ProcessStreamProtocol protocol) {
    this.loop = loop;
    this.transport = transport;
    this.stdin = protocol.stdin();
    this.stdout = protocol.reader(1);
    this.stderr = protocol.reader(2);
  }

  @Override
  public long pid() {
    return transport.pid();
  }

  @Override
  public OptionalInt returnCode() {
    return transport.returnCode();
  }

  @Override
  public StreamWriter stdin() {
    return stdin;
  }

  @Override
  public StreamReader stdout() {
    return stdout;
  }

  @Override
  public StreamReader stderr() {
    return stderr;
  }

  @Override
  public Future<Integer> waitFor() {
    return transport.exited();
  }

  @Override
  public Future<Output> communicate(byte[] input) {
    loop.checkThread();
    LoopFuture<Output> result = new LoopFuture<>(loop);
    byte[][] out = {NOTHING, NOTHING};
    int[] waiting = {3};
    Runnable partDone =
        () -> {
          if (--waiting[0] == 0) {
            transport
                .exited()
                .addDoneCallback(
                    f -> result.tryComplete(new Output(out[0], out[1])));
          }
        };
    feedStdin(input, partDone);
    readAll(1, stdout, out, result, partDone);
    readAll(2, stderr, out, result, partDone);
    return result;
  }

  /** Writes, drains (a broken pipe is not an error here, as in asyncio), closes. */
  private void feedStdin(byte[] input, Runnable done) {
    if (stdin == null) {
      done.run();
      return;
    }
    if (input != null && input.length > 0) {
      stdin.write(input);
    }
    stdin
        .drain()
        .addDoneCallback(
            f -> {
              f.exception(); // a broken pipe is expected here: read, so it is not reported
              stdin.close();
              done.run();
            });
  }

  private void readAll(
      int fd, LoopStreamReader reader, byte[][] out, LoopFuture<Output> result, Runnable done) {
    if (reader == null) {
      done.run();
      return;
    }
    reader
        .read(-1)
        .addDoneCallback(
            f -> {
              if (f.exception() != null) {
                result.tryFail(f.exception());
                return;
              }
              out[fd - 1] = f.result();
              transport.getPipeTransport(fd).close();
              done.run();
            });
  }

  @Override
  public void sendSignal(int signal) {
    transport.sendSignal(signal);
  }

  @Override
  public void terminate() {
    transport.terminate();
  }

  @Override
  public void kill() {
    transport.kill();
  }

  @Override
  public String toString() {
    return "Subprocess[pid=" + transport.pid() + "]";
  }

}
