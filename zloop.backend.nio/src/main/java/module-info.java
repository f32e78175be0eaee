/**
 * The portable backend: {@link java.nio.channels.Selector} and the JDK's socket channels, no
 * native access. Selected with {@code -Dzloop.backend=nio}, or by {@code auto} where no native
 * backend is available. A backend module like the others: the engine finds it through {@link
 * java.util.ServiceLoader} and holds no backend of its own.
 */
module zloop.backend.nio {
  requires zloop.engine;

  provides zloop.engine.spi.BackendProvider with
      zloop.backend.nio.NioBackendProvider;
}
