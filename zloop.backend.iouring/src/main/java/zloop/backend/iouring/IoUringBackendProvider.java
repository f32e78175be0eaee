package zloop.backend.iouring;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;

/**
 * The io_uring backend's provider. The backend is not written yet, so the provider reports exactly
 * that; {@code auto} never picks it.
 */
public final class IoUringBackendProvider implements BackendProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public IoUringBackendProvider() {}

  @Override
  public String name() {
    return "io_uring";
  }

  @Override
  public BackendStatus status() {
    return BackendStatus.unavailable(name(), "the io_uring backend is not implemented yet");
  }

  @Override
  public int autoRank() {
    return -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    throw new IOException("the io_uring backend is not implemented yet");
  }
}
