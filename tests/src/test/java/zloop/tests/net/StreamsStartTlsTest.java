package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Server;
import zloop.Side;
import zloop.StreamOptions;
import zloop.StreamPair;
import zloop.Streams;
import zloop.Task;
import zloop.TlsOptions;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/** StreamWriter.startTls: a STARTTLS-style upgrade of a plaintext stream, on both sides. */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class StreamsStartTlsTest {
  @BeforeAll
  static void warmUp() {
    TlsSupport.warmUp();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @BackendTest
  void aPlaintextStreamUpgradesToTlsInPlace(String backend) {
    TlsCerts certs = TlsCerts.get();
    try (EventLoop loop = Backends.open(backend)) {
      TlsOptions serverTls = TlsOptions.of(certs.context("server"));
      Server server =
          Net.await(
              loop,
              Streams.startServer(
                  loop,
                  (r, w) -> {
                    assertEquals("STARTTLS\n", new String(r.readLine().join(), StandardCharsets.US_ASCII));
                    w.write(ascii("GO\n"));
                    w.drain().join();
                    w.startTls(serverTls, Side.SERVER).join();
                    byte[] secret = r.readLine().join();
                    w.write(ascii("echo " + new String(secret, StandardCharsets.US_ASCII)));
                    w.drain().join();
                    w.close();
                  },
                  "127.0.0.1",
                  0,
                  StreamOptions.DEFAULT),
              "startServer");
      int port = Net.port(server);
      Task<String> client =
          loop.createTask(
              () -> {
                StreamPair p = Streams.openConnection(loop, "127.0.0.1", port, StreamOptions.DEFAULT).join();
                p.writer().write(ascii("STARTTLS\n"));
                assertEquals("GO\n", new String(p.reader().readLine().join(), StandardCharsets.US_ASCII));
                p.writer()
                    .startTls(TlsOptions.of(certs.clientContext()).withServerHostname("localhost"), Side.CLIENT)
                    .join();
                assertNotNull(p.writer().getExtraInfo("cipher"), "the writer now reports TLS details");
                p.writer().write(ascii("secret\n"));
                String answer = new String(p.reader().readLine().join(), StandardCharsets.US_ASCII);
                p.writer().close();
                p.writer().waitClosed().join();
                return answer;
              });
      assertEquals("echo secret\n", Net.await(loop, client, "client over TLS"));
      Net.shutdown(loop, server);
    }
  }
}
