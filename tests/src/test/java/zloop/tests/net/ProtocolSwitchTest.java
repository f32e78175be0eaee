package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static zloop.tests.net.Net.await;
import static zloop.tests.net.Net.port;
import static zloop.tests.net.Net.shutdown;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Server;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * setProtocol while the connection is idle and reading: the next bytes go to the new protocol,
 * whole and in order, never into the old protocol's buffer (a completion backend has a receive
 * armed into it by then).
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class ProtocolSwitchTest {

  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  @BackendTest
  void bytesAfterSwitchingBufferedProtocolsReachTheNewOne(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Recorder.Buffered b = new Recorder.Buffered(loop, 64);
      switchThenSend(loop, b);
    }
  }

  @BackendTest
  void bytesAfterSwitchingFromABufferedToAPlainProtocolReachThePlainOne(String backend)
      throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      Recorder.Plain b = new Recorder.Plain(loop);
      switchThenSend(loop, b);
    }
  }

  /** A buffered protocol A serves the connection; once it is idle, B replaces it; then "hello". */
  private static void switchThenSend(EventLoop loop, Recorder b) throws Exception {
    zloop.Future<Recorder.Buffered> accepted = loop.createFuture();
    Server server =
        await(
            loop,
            loop.createServer(
                () -> {
                  Recorder.Buffered a = new Recorder.Buffered(loop, 64);
                  accepted.setResult(a);
                  return a;
                },
                "127.0.0.1",
                0),
            "createServer");
    try (Socket client = new Socket(Net.LOOPBACK4, port(server))) {
      Recorder.Buffered a = await(loop, accepted, "the server accepting the connection");
      await(loop, a.made, "connectionMade");
      Net.spin(loop, 3); // reading started: a completion backend has a receive armed into A's buffer
      a.transport.setProtocol(b.protocol());
      OutputStream out = client.getOutputStream();
      out.write(HELLO);
      out.flush();
      await(loop, b.receivedAtLeast(HELLO.length), "the bytes at the new protocol");
      Net.spin(loop, 3);
      assertArrayEquals(HELLO, b.bytes(), "the new protocol got the bytes, in order");
      assertEquals(0, a.received, "the old protocol got nothing");
    } finally {
      shutdown(loop, server);
    }
  }
}
