package zloop.backend.nio;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;

/** The portable backend, on {@link java.nio.channels.Selector}: available wherever Java runs. */
public final class NioBackendProvider implements BackendProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public NioBackendProvider() {}

  @Override
  public String name() {
    return "nio";
  }

  @Override
  public BackendStatus status() {
    return BackendStatus.available(name());
  }

  /** The fallback: {@code auto} picks it only where no native backend is available. */
  @Override
  public int autoRank() {
    return 0;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return new NioBackend(context);
  }
}
