package zloop.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Future;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.TaskGroup;
import zloop.sync.Held;
import zloop.sync.Queue;
import zloop.sync.QueueShutDownException;
import zloop.sync.Semaphore;

/**
 * A bounded concurrent fetcher: many requests to a few servers, with at most {@code workers}
 * requests in flight and at most {@code perServer} connections to any one server. It shows the
 * three coordination tools together:
 *
 * <ul>
 *   <li>a {@link TaskGroup} owns the producer and the workers: if one request fails, the others
 *       are cancelled and {@link #fetchAll} throws the group's failure; nothing outlives the call;
 *   <li>a bounded {@link Queue} carries the requests from the producer to the workers (the
 *       producer waits while it is full), and its {@code shutdown()} tells the workers there is
 *       no more work once it is drained;
 *   <li>a {@link Semaphore} per server bounds the connections to it, held for each request with
 *       {@code try (Held slot = ...hold())}.
 * </ul>
 *
 * <pre>scripts/... or: java -m zloop.examples/zloop.examples.BoundedFetcher</pre>
 *
 * starts three {@link KeyValueServer}s on loopback, fetches 30 keys through them, and prints what
 * each server answered and the most connections it saw at once.
 */
public final class BoundedFetcher {
  private BoundedFetcher() {}

  /**
   * One request: a key to ask a server for.
   *
   * @param host the server's host
   * @param port the server's port
   * @param key the key to fetch
   */
  public record Fetch(String host, int port, String key) {}

  /**
   * Fetches every request and returns the answers, in the order of {@code fetches}. Call it in a
   * task of {@code loop}.
   *
   * @param loop the loop whose task this is
   * @param fetches the requests
   * @param workers how many requests may be in flight at once
   * @param perServer how many connections one server may have from this fetcher at once
   * @return each request's answer line
   * @throws zloop.TaskGroupException if a request failed (the others were cancelled)
   */
  public static Map<Fetch, String> fetchAll(
      EventLoop loop, List<Fetch> fetches, int workers, int perServer) {
    Queue<Fetch> jobs = loop.createQueue(workers);
    Map<String, Semaphore> slots = new HashMap<>();
    for (Fetch f : fetches) {
      slots.computeIfAbsent(f.host() + ":" + f.port(), server -> loop.createSemaphore(perServer));
    }
    Map<Fetch, String> answers = new HashMap<>();
    try (TaskGroup group = loop.taskGroup()) {
      group.createTask(
          () -> {
            for (Fetch f : fetches) {
              jobs.put(f).join(); // waits while the workers are all busy and the queue is full
            }
            jobs.shutdown(); // the workers drain what is left, then see QueueShutDownException
            return null;
          },
          "producer");
      for (int i = 0; i < workers; i++) {
        group.createTask(
            () -> {
              work(loop, jobs, slots, answers);
              return null;
            },
            "worker-" + i);
      }
    }
    Map<Fetch, String> inOrder = new LinkedHashMap<>();
    for (Fetch f : fetches) {
      inOrder.put(f, answers.get(f));
    }
    return inOrder;
  }

  private static void work(
      EventLoop loop, Queue<Fetch> jobs, Map<String, Semaphore> slots, Map<Fetch, String> answers)
      throws IOException {
    while (true) {
      Fetch f;
      try {
        f = jobs.get().join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof QueueShutDownException) {
          return; // no more work
        }
        throw e;
      }
      try (Held slot = slots.get(f.host() + ":" + f.port()).hold()) {
        answers.put(f, fetchOne(loop, f));
      } finally {
        jobs.taskDone();
      }
    }
  }

  private static String fetchOne(EventLoop loop, Fetch f) throws IOException {
    StreamPair conn = connect(loop, f);
    try {
      conn.writer().write(("GET " + f.key() + "\n").getBytes(StandardCharsets.US_ASCII));
      conn.writer().drain().join();
      byte[] line = conn.reader().readLine().join();
      if (line.length == 0 || line[line.length - 1] != '\n') {
        throw new IOException(f.host() + ":" + f.port() + " closed before answering " + f.key());
      }
      return new String(line, StandardCharsets.US_ASCII).strip();
    } finally {
      conn.writer().close();
    }
  }

  /**
   * Connects to the request's server. If this task is cancelled (the group failed) in the same turn
   * as the connection completes, {@code join()} throws the cancellation although the connection is
   * made: close it, or it stays open with no one to close it.
   */
  private static StreamPair connect(EventLoop loop, Fetch f) {
    Future<StreamPair> connecting = loop.openConnection(f.host(), f.port(), StreamOptions.DEFAULT);
    try {
      return connecting.join();
    } catch (CancellationException e) {
      if (connecting.isDone() && !connecting.isCancelled() && connecting.exception() == null) {
        connecting.result().writer().close();
      }
      throw e;
    }
  }

  /**
   * Requests {@code key-0}, {@code key-1}, ... spread over the servers in turn.
   *
   * @param servers the servers, on 127.0.0.1
   * @param count how many requests
   * @return request {@code i} goes to server {@code i % servers.size()}
   */
  public static List<Fetch> roundRobin(List<KeyValueServer> servers, int count) {
    List<Fetch> fetches = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      fetches.add(new Fetch("127.0.0.1", servers.get(i % servers.size()).port(), "key-" + i));
    }
    return fetches;
  }

  /**
   * Runs the demonstration described above.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    EventLoops.run(
        () -> {
          EventLoop loop = EventLoops.runningLoop();
          List<KeyValueServer> servers = new ArrayList<>();
          try {
            for (String name : List.of("alpha", "beta", "gamma")) {
              servers.add(KeyValueServer.start(loop, name));
            }
            List<Fetch> fetches = roundRobin(servers, 30);
            fetchAll(loop, fetches, 8, 2).values().forEach(System.out::println);
            for (KeyValueServer s : servers) {
              System.out.println(
                  "server on port " + s.port() + ": " + s.served() + " answers, at most "
                      + s.peakClients() + " at once");
            }
          } finally {
            servers.forEach(KeyValueServer::close);
          }
          return null;
        });
  }
}
