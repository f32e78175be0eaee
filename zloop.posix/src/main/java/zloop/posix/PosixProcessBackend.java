package zloop.posix;

import java.io.IOException;
import zloop.engine.spi.Backend;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SpawnRequest;

/**
 * A native backend whose pipes and children are the shared POSIX ones ({@link PosixProcesses}),
 * watched through its own {@link Backend#watchFd}: it only says where its {@link PosixProcesses}
 * is, and closes it with itself.
 */
public interface PosixProcessBackend extends Backend {

  /**
   * This backend's pipes and children, made on first use.
   *
   * @return the backend's {@link PosixProcesses}
   * @throws IllegalStateException if the backend is closed
   */
  PosixProcesses processes();

  @Override
  default SocketHandle openPipe(int fd, boolean forWriting) throws IOException {
    return processes().openPipe(fd, forWriting);
  }

  @Override
  default ChildHandle spawn(SpawnRequest request) throws IOException {
    return processes().spawn(request);
  }
}
