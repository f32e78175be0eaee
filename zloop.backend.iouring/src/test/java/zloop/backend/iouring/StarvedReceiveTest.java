package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zloop.engine.spi.SocketHandle;

/**
 * More connections have bytes waiting than the ring has provided buffers: the RECVs the kernel
 * ends with {@code ENOBUFS} are armed again a few at a time, as buffers come back, instead of all
 * of them every turn (each failing again at once: a storm of submissions and completions). Every
 * byte still arrives, intact, through real loopback sockets.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class StarvedReceiveTest {

  private static final int CONNECTIONS = 32;
  private static final int MESSAGE = 100;

  @ParameterizedTest(name = "bundles {0}")
  @ValueSource(booleans = {true, false})
  void receivesStarvedOfBuffersAreArmedAgainAsBuffersReturnNotEveryTurn(boolean bundles)
      throws IOException {
    long[] submitted = new long[1];
    boolean[] counting = new boolean[1];
    Ring.EnterHook hook =
        (kernel, toSubmit, minComplete, flags, arg, argSize) -> {
          int r = kernel.enter(toSubmit, minComplete, flags, arg, argSize);
          if (counting[0] && r > 0) {
            submitted[0] += r;
          }
          return r;
        };
    // Two buffers for 32 connections.
    Config config = new Config(256, 1024, 2, 4096, 4096, true).withBundles(bundles).withEnterHook(hook);
    try (Driver driver = new Driver(config)) {
      SocketHandle listener = driver.listen();
      List<Driver.Pair> pairs = new ArrayList<>();
      List<Recorder> clients = new ArrayList<>();
      List<Recorder> servers = new ArrayList<>();
      byte[][] messages = new byte[CONNECTIONS][];
      Random random = new Random(17);
      for (int i = 0; i < CONNECTIONS; i++) {
        Driver.Pair pair = driver.connect(listener);
        Recorder client = new Recorder();
        Recorder server = new Recorder(false);
        pair.client().setStreamHandler(client);
        pair.server().setStreamHandler(server);
        messages[i] = new byte[MESSAGE];
        random.nextBytes(messages[i]);
        client.send(pair.client(), messages[i]);
        pairs.add(pair);
        clients.add(client);
        servers.add(server);
      }
      driver.pollUntil(
          () -> clients.stream().allMatch(c -> c.written == MESSAGE), "every message sent");

      counting[0] = true;
      for (Driver.Pair pair : pairs) {
        pair.server().startReading(); // 32 RECVs in one turn, every one with bytes waiting
      }
      driver.pollUntil(
          () -> servers.stream().allMatch(s -> s.received == MESSAGE), "every message received");
      counting[0] = false;

      for (int i = 0; i < CONNECTIONS; i++) {
        CRC32 crc = new CRC32();
        crc.update(messages[i]);
        assertEquals(crc.getValue(), servers.get(i).crc(), "connection " + i);
        assertEquals(List.of(), servers.get(i).errors);
      }
      // One RECV per connection, one more for each that starved (at most all but the two that got
      // a buffer), and a few besides. Arming every starved one each turn costs about
      // CONNECTIONS^2 / 4 (270 here).
      assertTrue(
          submitted[0] <= 3L * CONNECTIONS,
          "submissions while " + CONNECTIONS + " connections shared 2 buffers: " + submitted[0]);
      for (Driver.Pair pair : pairs) {
        pair.client().close();
        pair.server().close();
      }
    }
  }
}
