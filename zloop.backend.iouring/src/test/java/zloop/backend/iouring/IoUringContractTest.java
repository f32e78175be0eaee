package zloop.backend.iouring;

import zloop.engine.spi.BackendProvider;
import zloop.test.support.BackendContract;

/** The backend SPI contract on io_uring. */
class IoUringContractTest extends BackendContract {
  @Override
  protected BackendProvider provider() {
    return new IoUringBackendProvider();
  }
}
