package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.EventLoop;
import zloop.Future;
import zloop.NetSocket;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * A descriptor's reader and writer are two watchers of one registration: changing one side keeps
 * the other, and a side removed is never called again even while its readiness persists
 * (level-triggered). The descriptor is a connected socket of a second loop, so this loop does not
 * own it; one byte from the peer stays unread throughout, so the reader would be called every
 * turn while watched.
 */
@Timeout(60)
@ExtendWith(FdLeakCheck.class)
class FdWatcherSidesTest {

  @BackendTest
  void removingTheReaderOfAReadWriteDescriptorKeepsTheWriter(String backend) throws Exception {
    onASocketOfAnotherLoop(
        backend,
        (loop, fd, sides) -> {
          loop.addWriter(fd, sides::write);
          await(loop, sides.nextWrite(), "the writer before a reader is added");
          loop.addReader(fd, sides::read);
          await(loop, sides.nextRead(), "the reader added to a watched writer");
          await(loop, sides.nextWrite(), "the writer after a reader was added");

          assertTrue(loop.removeReader(fd));
          int reads = sides.reads;
          await(loop, sides.nextWrite(), "the writer after the reader was removed");
          Net.spin(loop, 3);
          assertEquals(reads, sides.reads, "the removed reader is not called, bytes unread or not");

          assertTrue(loop.removeWriter(fd));
          int writes = sides.writes;
          Net.spin(loop, 3);
          assertEquals(writes, sides.writes, "no writer calls after removeWriter()");
          assertFalse(loop.removeReader(fd));

          loop.addReader(fd, sides::read); // watched afresh after both sides went
          await(loop, sides.nextRead(), "a reader added again");
          assertTrue(loop.removeReader(fd));
        });
  }

  @BackendTest
  void removingTheWriterOfAReadWriteDescriptorKeepsTheReader(String backend) throws Exception {
    onASocketOfAnotherLoop(
        backend,
        (loop, fd, sides) -> {
          loop.addReader(fd, sides::read);
          loop.addWriter(fd, sides::write);
          await(loop, sides.nextRead(), "the reader of a read-write descriptor");
          await(loop, sides.nextWrite(), "the writer of a read-write descriptor");

          assertTrue(loop.removeWriter(fd));
          int writes = sides.writes;
          await(loop, sides.nextRead(), "the reader after the writer was removed");
          Net.spin(loop, 3);
          assertEquals(writes, sides.writes, "the removed writer is not called, writable or not");
          assertTrue(loop.removeReader(fd));
        });
  }

  private interface Body {
    void run(EventLoop loop, int fd, Sides sides) throws Exception;
  }

  /** Runs {@code body} with a loop and a connected socket of another loop it may watch. */
  private static void onASocketOfAnotherLoop(String backend, Body body) throws Exception {
    try (EventLoop loop = Backends.open(backend)) {
      if (watchesNoDescriptors(loop, backend)) {
        return;
      }
      try (Connected c = Connected.open(backend)) {
        body.run(loop, c.socket.fd(), new Sides(loop));
      }
    }
  }

  /** nio watches no raw descriptors: it must refuse both sides (LowLevelSocketTest checks how). */
  private static boolean watchesNoDescriptors(EventLoop loop, String backend) {
    if (!backend.equals("nio")) {
      return false;
    }
    assertThrows(UnsupportedOperationException.class, () -> loop.addReader(0, () -> {}));
    assertThrows(UnsupportedOperationException.class, () -> loop.addWriter(0, () -> {}));
    return true;
  }

  /** Counts each side's calls and completes a future on the next call of each. */
  private static final class Sides {
    private final EventLoop loop;
    int reads;
    int writes;
    private Future<Void> read;
    private Future<Void> write;

    Sides(EventLoop loop) {
      this.loop = loop;
    }

    Future<Void> nextRead() {
      read = loop.createFuture();
      return read;
    }

    Future<Void> nextWrite() {
      write = loop.createFuture();
      return write;
    }

    void read() {
      reads++;
      if (read != null && !read.isDone()) {
        read.setResult(null);
      }
    }

    void write() {
      writes++;
      if (write != null && !write.isDone()) {
        write.setResult(null);
      }
    }
  }

  /** A socket of a second loop, connected to a blocking peer that sent one byte. */
  private static final class Connected implements AutoCloseable {
    final EventLoop owner;
    final ServerSocket server;
    final NetSocket socket;
    final Socket peer;

    private Connected(EventLoop owner, ServerSocket server, NetSocket socket, Socket peer) {
      this.owner = owner;
      this.server = server;
      this.socket = socket;
      this.peer = peer;
    }

    static Connected open(String backend) throws Exception {
      EventLoop owner = Backends.open(backend);
      ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
      NetSocket socket = owner.openTcpSocket(StandardProtocolFamily.INET);
      Connected c = null;
      try {
        await(
            owner,
            owner.sockConnect(
                socket, new InetSocketAddress(server.getInetAddress(), server.getLocalPort())),
            "sockConnect");
        Socket peer = server.accept();
        c = new Connected(owner, server, socket, peer);
        OutputStream out = peer.getOutputStream();
        out.write(1);
        out.flush();
        return c;
      } finally {
        if (c == null) {
          socket.close();
          server.close();
          owner.close();
        }
      }
    }

    @Override
    public void close() throws Exception {
      try (owner;
          server;
          socket;
          peer) {
        // closed in reverse order: peer, socket, server, owner
      }
    }
  }
}
