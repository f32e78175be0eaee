package zloop.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import zloop.EventLoop;
import zloop.Server;
import zloop.StreamOptions;
import zloop.StreamReader;
import zloop.StreamWriter;

/**
 * A tiny line-protocol server for {@link BoundedFetcher}: one request per connection, {@code GET
 * key\n}, answered with {@code name:key\n} after a short pause (standing in for real work). It
 * counts the clients it serves at once, so a caller can see the fetcher's per-server bound hold.
 */
public final class KeyValueServer implements AutoCloseable {
  private final EventLoop loop;
  private final String name;
  private Server server;
  private int clients;
  private int peakClients;
  private int served;

  private KeyValueServer(EventLoop loop, String name) {
    this.loop = loop;
    this.name = name;
  }

  /**
   * Starts a server on a free port of 127.0.0.1. Call it in a task of the loop.
   *
   * @param loop the loop that serves the connections
   * @param name the name the answers carry
   * @return the running server
   */
  public static KeyValueServer start(EventLoop loop, String name) {
    KeyValueServer s = new KeyValueServer(loop, name);
    s.server = loop.startServer(s::serve, "127.0.0.1", 0, StreamOptions.DEFAULT).join();
    return s;
  }

  private void serve(StreamReader reader, StreamWriter writer) throws IOException {
    clients++;
    peakClients = Math.max(peakClients, clients);
    try {
      String request = new String(reader.readLine().join(), StandardCharsets.US_ASCII).strip();
      if (request.isEmpty() && reader.atEof()) {
        return; // the client left without asking (its fetch was cancelled)
      }
      if (!request.startsWith("GET ")) {
        throw new IOException("bad request: " + request);
      }
      loop.sleep(Duration.ofMillis(2)).join(); // the work, during which other clients may arrive
      writer.write((name + ":" + request.substring(4) + "\n").getBytes(StandardCharsets.US_ASCII));
      writer.drain().join();
      served++;
    } finally {
      clients--;
      writer.close();
    }
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
  }

  /**
   * The most clients served at the same time so far.
   *
   * @return the peak
   */
  public int peakClients() {
    return peakClients;
  }

  /**
   * The number of requests answered.
   *
   * @return the count
   */
  public int served() {
    return served;
  }

  /**
   * Stops listening, closes the connections still open (a client that never sends its request
   * would otherwise keep the server waiting), and waits until all are closed. Call it in a task.
   */
  @Override
  public void close() {
    server.close();
    server.closeClients();
    server.waitClosed().join();
  }
}
