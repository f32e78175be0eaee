/**
 * What the modules' unit tests share: the backend SPI contract ({@link
 * zloop.test.support.BackendContract}), which every backend's test module subclasses with its
 * provider, and the helpers the backends' own tests need (C layout probes, descriptor checks and
 * limits, pipes, a forked JVM, the native-access check). Test scope only: nothing here ships.
 */
module zloop.test.support {
  requires transitive zloop.engine;
  requires transitive org.junit.jupiter.api;

  exports zloop.test.support;
}
