package zloop.tests.net;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import zloop.EventLoop;
import zloop.EventLoops;
import zloop.ExceptionContext;
import zloop.Future;
import zloop.Protocol;
import zloop.Server;
import zloop.Transport;

/**
 * The child side of the accept-under-descriptor-exhaustion test, run in its own JVM (the parent
 * starts it under a low {@code RLIMIT_NOFILE}). It serves echo on 127.0.0.1, then fills its
 * descriptor table with {@code /dev/null} until the kernel refuses, and frees exactly {@code free}
 * slots, so that the server's {@code accept} fails with EMFILE as soon as more than {@code free}
 * connections arrive.
 *
 * <p>Arguments: {@code backend free}. Output lines: {@code READY port=P fillers=N free=F}, then
 * {@code STATS ...} per {@code stats} command read from stdin, {@code ACCEPT-ERROR ...} per
 * accept error the loop reports, {@code ERROR ...} for anything else, {@code BYE} at the end.
 * Commands: {@code stats}, {@code free-all} (closes every filler), {@code quit}.
 */
public final class AcceptUnderEmfile {
  private final EventLoop loop;
  private final List<FileInputStream> fillers = new ArrayList<>();
  private int accepted;
  private int active;
  private int acceptErrors;
  private int otherErrors;

  private AcceptUnderEmfile(EventLoop loop) {
    this.loop = loop;
  }

  public static void main(String[] args) throws Exception {
    String backend = args[0];
    int free = Integer.parseInt(args[1]);
    try (EventLoop loop = EventLoops.newEventLoop(backend)) {
      new AcceptUnderEmfile(loop).run(free);
    }
    System.out.println("BYE");
    System.out.flush();
  }

  private final class EchoCounting implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      accepted++;
      active++;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      transport.write(data);
    }

    @Override
    public void connectionLost(Throwable exception) {
      active--;
    }
  }

  private void onException(ExceptionContext context) {
    Throwable e = context.exception();
    String text = context.message() + " | " + e;
    if (context.message().startsWith("warm-up")) {
      return;
    }
    boolean acceptError =
        context.message().toLowerCase(Locale.ROOT).contains("accept")
            || (e != null && String.valueOf(e.getMessage()).contains("Too many open files"));
    if (acceptError) {
      acceptErrors++;
      System.out.println("ACCEPT-ERROR " + text.replace('\n', ' '));
    } else {
      otherErrors++;
      System.out.println("ERROR " + text.replace('\n', ' '));
    }
    System.out.flush();
  }

  private void run(int free) throws IOException {
    loop.setExceptionHandler((l, context) -> onException(context));
    Server server = loop.runUntilComplete(loop.createServer(EchoCounting::new, "127.0.0.1", 0));
    int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();

    // Warm up everything the exhausted phase will touch, so that no class or file needs a new
    // descriptor then: a round trip through the server, the exception handler, timers.
    Future<String> warm = loop.createFuture();
    Thread.ofPlatform()
        .start(
            () -> {
              String r = roundTrip(port);
              loop.callSoonThreadsafe(() -> warm.setResult(r));
            });
    String warmResult = loop.runUntilComplete(warm);
    if (!warmResult.equals("ok")) {
      System.out.println("ERROR warm-up: " + warmResult);
    }
    loop.callExceptionHandler(ExceptionContext.of("warm-up", new IOException("warm-up")));
    loop.runUntilComplete(loop.sleep(java.time.Duration.ofMillis(1)));
    stats(server);

    // Commands from the parent, on a plain thread started before the table fills.
    Thread.ofPlatform().daemon().start(() -> readCommands(server));

    // Fill the descriptor table, then free exactly `free` slots.
    while (true) {
      try {
        fillers.add(new FileInputStream("/dev/null"));
      } catch (IOException e) {
        break;
      }
    }
    for (int i = 0; i < free && !fillers.isEmpty(); i++) {
      fillers.remove(fillers.size() - 1).close();
    }
    System.out.println("READY port=" + port + " fillers=" + fillers.size() + " free=" + free);
    System.out.flush();

    loop.runForever();

    server.close();
    server.abortClients();
    loop.runUntilComplete(server.waitClosed());
    freeAll();
  }

  private void readCommands(Server server) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "stats" -> loop.callSoonThreadsafe(() -> stats(server));
          case "free-all" -> loop.callSoonThreadsafe(this::freeAll);
          case "quit" -> {
            loop.callSoonThreadsafe(loop::stop);
            return;
          }
          default -> System.out.println("ERROR unknown command " + line);
        }
      }
      loop.callSoonThreadsafe(loop::stop); // the parent went away
    } catch (IOException e) {
      loop.callSoonThreadsafe(loop::stop);
    }
  }

  private void freeAll() {
    for (FileInputStream f : fillers) {
      try {
        f.close();
      } catch (IOException e) {
        // /dev/null
      }
    }
    fillers.clear();
    System.out.println("FREED");
    System.out.flush();
  }

  private void stats(Server server) {
    System.out.println(
        "STATS accepted="
            + accepted
            + " active="
            + active
            + " acceptErrors="
            + acceptErrors
            + " otherErrors="
            + otherErrors
            + " serving="
            + server.isServing()
            + " listeners="
            + server.sockets().size());
    System.out.flush();
  }

  private static String roundTrip(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write('x');
      return in.read() == 'x' ? "ok" : "bad echo";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
