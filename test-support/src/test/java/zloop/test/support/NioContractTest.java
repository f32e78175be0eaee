package zloop.test.support;

import java.util.ServiceLoader;
import zloop.engine.spi.BackendProvider;

/**
 * The backend SPI contract on nio. It lives here until the nio backend has a module of its own
 * (zloop.engine's tests cannot use this module, which needs zloop.engine); there it becomes a
 * subclass naming {@code NioBackendProvider} directly.
 */
class NioContractTest extends BackendContract {
  @Override
  protected BackendProvider provider() {
    getClass().getModule().addUses(BackendProvider.class);
    return ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("nio"))
        .findFirst()
        .orElseThrow();
  }

  @Override
  protected String noFdWatching() {
    return "nio has no file descriptors to watch";
  }
}
