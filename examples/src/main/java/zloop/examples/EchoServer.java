package zloop.examples;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Supplier;
import zloop.BaseProtocol;
import zloop.BufferedProtocol;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.Protocol;
import zloop.ReadingFollowsWriting;
import zloop.Server;
import zloop.ServerOptions;
import zloop.StreamOptions;
import zloop.StreamReader;
import zloop.StreamWriter;
import zloop.Streams;
import zloop.TlsOptions;
import zloop.Transport;

/**
 * An echo server, the benchmark's subject: every byte received is written back.
 *
 * <pre>
 * scripts/echo-server [--backend auto|epoll|nio|...] [--host 127.0.0.1] [--port 25000]
 *                     [--mode proto|buffered|streams] [--tls [--cert CERT.pem --key KEY.pem]]
 * </pre>
 *
 * {@code proto} echoes from {@code dataReceived} (the loop's read buffer, zero copy);
 * {@code buffered} has the kernel read into the protocol's own buffer ({@code BufferedProtocol});
 * {@code streams} runs a task per connection on {@code StreamReader}/{@code StreamWriter}.
 *
 * <p>Every mode is bounded against a client that writes without reading: the protocols stop
 * reading while the transport's writing is paused ({@link ReadingFollowsWriting}), the stream task
 * waits in {@code drain()} before it reads again. The server's memory then stays at about the
 * write buffer's high watermark per connection, whatever the client sends.
 *
 * <p>{@code --tls} serves TLS in any mode: with the PEM certificate chain and PKCS#8 key given, or
 * with a self-signed pair for localhost made at start-up, whose SHA-256 fingerprint it prints. Try
 * it with {@code openssl s_client -connect 127.0.0.1:25000}.
 */
public final class EchoServer {
  private EchoServer() {}

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("echo-server: " + e.getMessage());
      System.err.println(
          "usage: echo-server [--backend NAME] [--host HOST] [--port PORT] [--mode proto|buffered|streams]"
              + " [--tls [--cert CERT.pem --key KEY.pem]]");
      System.exit(2);
      return;
    }
    TlsSetup.ServerIdentity identity = null;
    if (o.tls) {
      try {
        identity = o.cert != null ? TlsSetup.fromPem(o.cert, o.key) : TlsSetup.selfSigned();
      } catch (java.io.IOException | java.security.GeneralSecurityException e) {
        System.err.println("echo-server: cannot set up TLS: " + e.getMessage());
        System.exit(2);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    TlsOptions tls = identity != null ? TlsOptions.of(identity.context()) : null;
    EventLoop loop;
    try {
      loop = EventLoops.newEventLoop(o.backend);
    } catch (IllegalArgumentException e) {
      System.err.println("echo-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    try (loop) {
      Supplier<BaseProtocol> factory = o.mode.equals("buffered") ? BufferedEcho::new : Echo::new;
      Server server =
          loop.runUntilComplete(
              o.mode.equals("streams")
                  ? Streams.startServer(
                      loop, EchoServer::serveStream, o.host, o.port, StreamOptions.DEFAULT.withTls(tls))
                  : loop.createServer(factory, o.host, o.port, ServerOptions.DEFAULT.withTls(tls)));
      System.out.printf(
          Locale.ROOT,
          "zloop echo server (%s, %s mode%s) listening on %s%n",
          loop.backendName(),
          o.mode,
          tls != null ? ", TLS" : "",
          server.sockets().get(0).localAddress());
      if (identity != null) {
        int port =
            server.sockets().get(0).localAddress() instanceof java.net.InetSocketAddress a
                ? a.getPort()
                : o.port;
        System.out.printf(
            Locale.ROOT,
            "TLS certificate %s (%s)%nSHA-256 fingerprint: %s%ntry: openssl s_client -connect %s:%d%n",
            identity.certificate().getSubjectX500Principal().getName(),
            o.cert != null ? o.cert : "self-signed, made at start-up",
            identity.fingerprint(),
            o.host,
            port);
      }
      System.out.flush();
      loop.runUntilComplete(server.serveForever());
    }
  }

  /**
   * The streams mode: a task per connection that reads, writes and drains. Waiting in {@code
   * drain()} before the next read is what bounds it: the reader stops reading from the socket
   * once its own buffer is full.
   */
  static void serveStream(StreamReader reader, StreamWriter writer) {
    while (true) {
      byte[] data = reader.read(64 * 1024).join();
      if (data.length == 0) {
        break;
      }
      writer.write(data);
      writer.drain().join();
    }
    writer.close();
  }

  /**
   * Echoes from the loop's read buffer: {@code write} sends at once and copies only the rest.
   * Reading pauses while writing is paused, so a client that does not read cannot grow the buffer.
   */
  static final class Echo implements Protocol, ReadingFollowsWriting {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public Transport transport() {
      return transport;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      transport.write(data);
    }
  }

  /** Echoes from its own buffer, which the kernel reads into; bounded like {@link Echo}. */
  static final class BufferedEcho implements BufferedProtocol, ReadingFollowsWriting {
    // Allocated on the first read, not per connection: a client that connects and leaves at once
    // (thousands of them) must not make the JVM reserve and free direct memory each time.
    private ByteBuffer buffer;
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
    }

    @Override
    public Transport transport() {
      return transport;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
      if (buffer == null) {
        buffer = ByteBuffer.allocateDirect(256 * 1024);
      }
      return buffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
      transport.write(buffer.limit(buffer.position() + nbytes));
    }
  }

  private static final class Options {
    String backend = System.getProperty(EventLoops.BACKEND_PROPERTY, "auto");
    String host = "127.0.0.1";
    int port = 25000;
    String mode = "proto";
    boolean tls;
    java.nio.file.Path cert;
    java.nio.file.Path key;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--tls")) {
          o.tls = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--backend" -> o.backend = v;
          case "--host" -> o.host = v;
          case "--port" -> o.port = Integer.parseInt(v);
          case "--mode" -> {
            if (!v.equals("proto") && !v.equals("buffered") && !v.equals("streams")) {
              throw new IllegalArgumentException("--mode is proto, buffered or streams, not " + v);
            }
            o.mode = v;
          }
          case "--cert" -> o.cert = java.nio.file.Path.of(v);
          case "--key" -> o.key = java.nio.file.Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if ((o.cert == null) != (o.key == null)) {
        throw new IllegalArgumentException("--cert and --key go together");
      }
      if (o.cert != null && !o.tls) {
        o.tls = true; // a certificate means TLS
      }
      return o;
    }
  }
}
