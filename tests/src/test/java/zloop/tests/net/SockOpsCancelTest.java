package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.Task;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * Cancelling sock* operations (asyncio's test_sock_lowlevel facts): a cancelled receive takes no
 * bytes, a cancelled send sends no more, a cancelled accept takes no connection, and sockets used
 * with sock* are not kept for the loop's life.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class SockOpsCancelTest {

  private static NetSocket listener(EventLoop loop) throws IOException {
    NetSocket l = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      l.bind(new InetSocketAddress(Net.LOOPBACK4, 0));
      l.listen(16);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** A connected pair: [0] the connecting side, [1] the accepted side. */
  private static NetSocket[] pair(EventLoop loop, NetSocket listener) throws IOException {
    NetSocket client = loop.openTcpSocket(StandardProtocolFamily.INET);
    try {
      Future<NetSocket> accepting = loop.sockAccept(listener);
      await(loop, loop.sockConnect(client, listener.localAddress()), "sockConnect");
      return new NetSocket[] {client, await(loop, accepting, "sockAccept")};
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String text(ByteBuffer b) {
    return StandardCharsets.US_ASCII.decode(b).toString();
  }

  /** One loop turn, so that a receive is armed and the poll runs. */
  private static void turn(EventLoop loop) {
    loop.sleep(Duration.ZERO).join();
  }

  /**
   * A sockRecv cancelled while waiting; the peer then sends. Old code: the cancel never reached
   * the inner receive, so the next sockRecv failed with "a sockRecv is already waiting" (or the
   * inner receive took the bytes).
   */
  @BackendTest
  void aCancelledSockRecvLeavesTheBytesForTheNext(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket accepted = p[1]) {
        Task<String> t =
            loop.createTask(
                () -> {
                  Future<ByteBuffer> first = loop.sockRecv(accepted, 100);
                  turn(loop);
                  first.cancel();
                  loop.sockSendAll(client, ascii("abc")).join();
                  assertThrows(CancellationException.class, first::join);
                  StringBuilder got = new StringBuilder();
                  while (got.length() < 3) {
                    got.append(text(loop.sockRecv(accepted, 100).join()));
                  }
                  return got.toString();
                });
        assertEquals("abc", await(loop, t, "the bytes after a cancelled sockRecv"));
      }
    }
  }

  /**
   * A sockRecvInto cancelled, and the peer's bytes already in the kernel before the next poll.
   * Old code: reading stopped only in a done callback after that poll; the backend read the bytes
   * with no receive waiting and they were dropped, so the next receive waited for ever.
   */
  @BackendTest
  void aCancelledSockRecvIntoLosesNoBytes(String backend) throws IOException {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket accepted = p[1]) {
        Task<String> t =
            loop.createTask(
                () -> {
                  StringBuilder got = new StringBuilder();
                  for (int round = 0; round < 20; round++) {
                    ByteBuffer into = ByteBuffer.allocate(64);
                    Future<Integer> r = loop.sockRecvInto(accepted, into);
                    turn(loop);
                    r.cancel();
                    String msg = "m" + round + ";";
                    loop.sockSendAll(client, ascii(msg)).join();
                    turn(loop); // the poll sees the bytes before any late callback could stop reading
                    int want = got.length() + msg.length();
                    while (got.length() < want) {
                      ByteBuffer next = ByteBuffer.allocate(64);
                      int n = loop.sockRecvInto(accepted, next).join();
                      assertTrue(n > 0, "EOF");
                      got.append(text(next.flip()));
                    }
                  }
                  return got.toString();
                });
        StringBuilder expected = new StringBuilder();
        for (int round = 0; round < 20; round++) {
          expected.append("m").append(round).append(';');
        }
        assertEquals(expected.toString(), await(loop, t, "every message", Duration.ofSeconds(20)));
      }
    }
  }

  /**
   * A sockSendAll of 64 MiB to a peer that does not read yet, cancelled: what was not handed to
   * the kernel is not sent. Then a second message goes out, and the peer reads: fewer than 64 MiB,
   * then the message. Old code kept flushing the cancelled bytes.
   */
  @BackendTest
  void aCancelledSockSendallSendsNoMore(String backend) throws IOException {
    int size = 64 * 1024 * 1024;
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      NetSocket[] p = pair(loop, listener);
      try (NetSocket client = p[0];
          NetSocket accepted = p[1]) {
        Task<long[]> t =
            loop.createTask(
                () -> {
                  Future<Void> big = loop.sockSendAll(client, ByteBuffer.allocate(size));
                  for (int i = 0; i < 5; i++) {
                    turn(loop);
                  }
                  assertTrue(!big.isDone(), "the kernel took 64 MiB: the test proves nothing");
                  big.cancel();
                  // Sent once the peer reads (the kernel buffers are full); then EOF.
                  loop.sockSendAll(client, ascii("END")).addDoneCallback(f -> client.close());
                  long total = 0;
                  ByteBuffer tail = ByteBuffer.allocate(3);
                  while (true) {
                    ByteBuffer got = loop.sockRecv(accepted, 1 << 20).join();
                    if (!got.hasRemaining()) {
                      break;
                    }
                    total += got.remaining();
                    while (got.hasRemaining()) { // keep the last three bytes
                      if (!tail.hasRemaining()) {
                        tail.position(1);
                        tail.compact();
                      }
                      tail.put(got.get());
                    }
                  }
                  return new long[] {total, tail.get(0), tail.get(1), tail.get(2)};
                });
        long[] r = await(loop, t, "the peer reads to EOF", Duration.ofSeconds(60));
        assertTrue(r[0] < size + 3, "the peer got all " + r[0] + " bytes: the cancelled send went on");
        assertEquals("END", new String(new byte[] {(byte) r[1], (byte) r[2], (byte) r[3]}, StandardCharsets.US_ASCII));
      }
    }
  }

  /**
   * A sockAccept cancelled just before a client connects: the connection waits for the next
   * sockAccept. Old code stopped accepting only in a done callback after the next poll, which
   * could accept the connection for nobody and close it.
   */
  @BackendTest
  void aCancelledSockAcceptLeavesTheConnectionForTheNext(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      try (Socket peer = new Socket()) {
        Task<String> t =
            loop.createTask(
                () -> {
                  Future<NetSocket> first = loop.sockAccept(listener);
                  turn(loop);
                  first.cancel();
                  peer.connect(address); // loopback: completes from the backlog, no accept needed
                  peer.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                  turn(loop);
                  try (NetSocket accepted = loop.sockAccept(listener).join()) {
                    StringBuilder got = new StringBuilder();
                    while (got.length() < 2) {
                      ByteBuffer b = loop.sockRecv(accepted, 10).join();
                      assertTrue(b.hasRemaining(), "EOF: the connection was closed");
                      got.append(text(b));
                    }
                    return got.toString();
                  }
                });
        assertEquals("hi", await(loop, t, "the second sockAccept", Duration.ofSeconds(10)));
      }
    }
  }

  /**
   * Old code mapped each socket to its channel in a WeakHashMap whose values referenced their
   * keys, so no socket used with sock* was ever collected while the loop lived.
   */
  @BackendTest
  void socketsUsedWithSockOpsAreNotKeptByTheLoop(String backend) throws Exception {
    try (EventLoop loop = Backends.open(backend);
        NetSocket listener = listener(loop)) {
      WeakReference<NetSocket>[] refs = usedAndClosedPair(loop, listener);
      for (int i = 0; i < 50 && (refs[0].get() != null || refs[1].get() != null); i++) {
        System.gc();
        Net.spin(loop, 1);
      }
      assertTrue(refs[0].get() == null && refs[1].get() == null, "a closed socket used with sock* is still reachable");
    }
  }

  @SuppressWarnings("unchecked")
  private static WeakReference<NetSocket>[] usedAndClosedPair(EventLoop loop, NetSocket listener) throws IOException {
    NetSocket[] p = pair(loop, listener);
    try {
      await(loop, loop.sockSendAll(p[0], ascii("x")), "sockSendAll");
      assertEquals("x", text(await(loop, loop.sockRecv(p[1], 10), "sockRecv")));
    } finally {
      p[0].close();
      p[1].close();
    }
    return new WeakReference[] {new WeakReference<>(p[0]), new WeakReference<>(p[1])};
  }
}
