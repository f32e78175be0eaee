package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import zloop.EventLoop;
import zloop.TaskGroupException;
import zloop.examples.BoundedFetcher;
import zloop.examples.BoundedFetcher.Fetch;
import zloop.examples.KeyValueServer;

/**
 * The issue-15 example ({@code zloop.examples.BoundedFetcher}: a TaskGroup, a Queue and a
 * Semaphore) against real loopback servers, on every backend.
 */
@Timeout(120)
class BoundedFetcherExampleTest {

  /** Every request is answered by its server, and no server ever sees more than the bound. */
  @BackendTest
  void fetchesEverythingWithinThePerServerBound(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.runUntilComplete(
          () -> {
            List<KeyValueServer> servers = new ArrayList<>();
            try {
              for (String name : List.of("alpha", "beta", "gamma")) {
                servers.add(KeyValueServer.start(loop, name));
              }
              List<Fetch> fetches = BoundedFetcher.roundRobin(servers, 30);
              Map<Fetch, String> answers = BoundedFetcher.fetchAll(loop, fetches, 8, 2);
              assertEquals(fetches, List.copyOf(answers.keySet()));
              for (int i = 0; i < 30; i++) {
                String server = List.of("alpha", "beta", "gamma").get(i % 3);
                assertEquals(server + ":key-" + i, answers.get(fetches.get(i)));
              }
              for (KeyValueServer s : servers) {
                assertEquals(10, s.served());
                assertTrue(
                    s.peakClients() >= 1 && s.peakClients() <= 2,
                    "at most 2 connections per server, saw " + s.peakClients());
              }
            } finally {
              servers.forEach(KeyValueServer::close);
            }
            assertGroupTasksGone(loop);
            return null;
          });
    }
  }

  /** A server that refuses connections fails the whole fetch; the other requests are cancelled. */
  @BackendTest
  void aRefusedServerFailsTheFetchAndCancelsTheRest(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      loop.runUntilComplete(
          () -> {
            KeyValueServer up = KeyValueServer.start(loop, "up");
            KeyValueServer gone = KeyValueServer.start(loop, "gone");
            int refusedPort = gone.port();
            gone.close(); // nothing listens there now
            try {
              List<Fetch> fetches = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                fetches.add(new Fetch("127.0.0.1", i == 5 ? refusedPort : up.port(), "k" + i));
              }
              TaskGroupException e =
                  assertThrows(
                      TaskGroupException.class, () -> BoundedFetcher.fetchAll(loop, fetches, 4, 2));
              assertTrue(
                  causes(e.failures().get(0)).stream().anyMatch(c -> c instanceof ConnectException),
                  "the failure is the refused connection: " + e.failures());
              assertTrue(up.served() < 20, "the requests after the failure were cancelled");
            } finally {
              up.close();
            }
            assertGroupTasksGone(loop);
            return null;
          });
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
      chain.add(c);
    }
    return chain;
  }

  /** The group's producer and workers all ended before fetchAll returned or threw. */
  private static void assertGroupTasksGone(EventLoop loop) {
    for (var task : loop.allTasks()) {
      assertTrue(
          !task.name().equals("producer") && !task.name().startsWith("worker-"),
          "left running: " + task.name());
    }
  }
}
