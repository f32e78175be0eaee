package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Which threads may drive a ring: a loop is often built on one thread and run on another, and a
 * single-issuer ring belongs to the thread that enables it.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class IoUringThreadTest {

  /** Runs {@code body} on a new thread of the given kind and rethrows what it threw. */
  private static void on(Thread.Builder builder, ThrowingRunnable body) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        builder.start(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    t.join();
    if (failure.get() instanceof Exception e) {
      throw e;
    }
    if (failure.get() instanceof Error e) {
      throw e;
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void echo(Driver driver, Driver.Pair pair, String text) throws IOException {
    Recorder client = new Recorder();
    Recorder server = new Recorder();
    pair.client().setStreamHandler(client);
    pair.server().setStreamHandler(server);
    pair.server().startReading();
    client.send(pair.client(), text.getBytes(UTF_8));
    driver.pollUntil(() -> server.received == text.length(), "the echo");
    assertEquals(text, server.text());
  }

  @Test
  void aBackendBuiltOnOneThreadRunsOnAnother() throws Exception {
    try (Driver driver = new Driver()) {
      on(Thread.ofPlatform(), () -> echo(driver, driver.connect(driver.listen()), "over there"));
    }
  }

  @Test
  void aSingleIssuerRingRefusesASecondThreadClearly() throws Exception {
    try (Driver driver = new Driver()) {
      assumeTrue(
          driver.backend.setupFlags().contains("SINGLE_ISSUER"),
          "the kernel gave a ring any thread may drive: " + driver.backend.setupFlags());
      on(Thread.ofPlatform(), () -> driver.poll(0));
      IOException e = assertThrows(IOException.class, () -> driver.poll(0));
      assertTrue(e.getMessage().contains("-Dzloop.iouring.singleIssuer=false"), e::getMessage);
    }
  }

  @Test
  void aFirstPollOnAVirtualThreadTakesARingAnyThreadMayDrive() throws Exception {
    try (Driver driver = new Driver()) {
      on(
          Thread.ofVirtual(),
          () -> {
            echo(driver, driver.connect(driver.listen()), "virtually");
            assertFalse(
                driver.backend.setupFlags().contains("SINGLE_ISSUER"),
                driver.backend.setupFlags());
          });
    }
  }

  @Test
  void aRingForAnyThreadMovesBetweenThreads() throws Exception {
    Config shared = Config.fromSystemProperties();
    shared =
        new Config(
            shared.sqEntries(),
            shared.cqEntries(),
            shared.bufferCount(),
            shared.bufferSize(),
            shared.completionsPerPoll(),
            false);
    try (Driver driver = new Driver(shared)) {
      assertFalse(driver.backend.setupFlags().contains("SINGLE_ISSUER"));
      Driver.Pair pair = driver.connect(driver.listen());
      Recorder server = new Recorder();
      Recorder client = new Recorder();
      pair.server().setStreamHandler(server);
      pair.client().setStreamHandler(client);
      pair.server().startReading();
      on(
          Thread.ofPlatform(),
          () -> {
            client.send(pair.client(), "first,".getBytes(UTF_8));
            driver.pollUntil(() -> server.received == 6, "the first half");
          });
      // The multishot RECV was submitted by a thread that has exited: the kernel cancelled it,
      // and the backend arms it again from here.
      client.send(pair.client(), "second".getBytes(UTF_8));
      driver.pollUntil(() -> server.received == 12, "the second half");
      assertEquals("first,second", server.text());
    }
  }
}
