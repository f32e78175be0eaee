package zloop.engine.stream;

import java.nio.ByteBuffer;
import zloop.SubprocessProtocol;
import zloop.SubprocessTransport;
import zloop.Transport;
import zloop.engine.Loop;

/**
 * asyncio's {@code SubprocessStreamProtocol}: one stream protocol per pipe, fed by the child's
 * events, so each pipe gets asyncio's reader (with its limit and read pause) or writer (with
 * {@code drain}). The transport is closed once every read pipe ended and the child exited.
 */
final class ProcessStreamProtocol implements SubprocessProtocol {
  private final Loop loop;
  private final int limit;
  private final StreamProtocol[] pipes = new StreamProtocol[3];
  private SubprocessTransport transport;
  private boolean exited;

  ProcessStreamProtocol(Loop loop, int limit) {
    this.loop = loop;
    this.limit = limit;
  }

  @Override
  public void connectionMade(SubprocessTransport t) {
    transport = t;
    for (int fd = 0; fd < 3; fd++) {
      Transport pipe = t.getPipeTransport(fd);
      if (pipe != null) {
        pipes[fd] = new StreamProtocol(loop, limit, null);
        pipes[fd].connectionMade(pipe);
      }
    }
  }

  LoopStreamWriter stdin() {
    return pipes[0] != null ? pipes[0].writer() : null;
  }

  LoopStreamReader reader(int fd) {
    return pipes[fd] != null ? pipes[fd].reader() : null;
  }

  @Override
  public void pipeDataReceived(int fd, ByteBuffer data) {
    if (fd > 0 && pipes[fd] != null) {
      pipes[fd].dataReceived(data);
    }
  }

  @Override
  public void pipeConnectionLost(int fd, Throwable exception) {
    StreamProtocol p = pipes[fd];
    if (p == null) {
      return;
    }
    p.connectionLost(exception); // a reader sees its end (or the failure); a writer's drain fails
    maybeClose();
  }

  @Override
  public void processExited() {
    exited = true;
    maybeClose();
  }

  private void maybeClose() {
    if (!exited || transport == null) {
      return;
    }
    for (int fd = 1; fd < 3; fd++) {
      if (pipes[fd] != null && !pipes[fd].isLost()) {
        return;
      }
    }
    transport.close();
  }

  @Override
  public void pauseWriting() {
    if (pipes[0] != null) {
      pipes[0].pauseWriting();
    }
  }

  @Override
  public void resumeWriting() {
    if (pipes[0] != null) {
      pipes[0].resumeWriting();
    }
  }
}
