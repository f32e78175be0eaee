package zloop.backend.epoll;

import zloop.engine.spi.BackendProvider;
import zloop.test.support.BackendContract;

/** The backend SPI contract on epoll. */
class EpollContractTest extends BackendContract {
  @Override
  protected BackendProvider provider() {
    return new EpollBackendProvider();
  }
}
