package zloop.backend.kqueue;

import zloop.engine.spi.BackendProvider;
import zloop.test.support.BackendContract;

/**
 * The backend SPI contract on kqueue: on Linux through libkqueue ({@code -Dzloop.kqueue.library},
 * which the build passes); where kqueue is unavailable every case is skipped with the reason.
 */
class KqueueContractTest extends BackendContract {
  @Override
  protected BackendProvider provider() {
    return new KqueueBackendProvider();
  }
}
