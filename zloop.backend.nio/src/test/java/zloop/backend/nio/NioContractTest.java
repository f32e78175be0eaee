package zloop.backend.nio;

import zloop.engine.spi.BackendProvider;
import zloop.test.support.BackendContract;

/** The backend SPI contract on nio. */
class NioContractTest extends BackendContract {
  @Override
  protected BackendProvider provider() {
    return new NioBackendProvider();
  }

  @Override
  protected String noFdWatching() {
    return "nio has no file descriptors to watch";
  }
}
