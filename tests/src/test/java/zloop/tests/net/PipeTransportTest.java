package zloop.tests.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zloop.tests.net.Net.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import zloop.Connection;
import zloop.EventLoop;
import zloop.Future;
import zloop.Protocol;
import zloop.Transport;
import zloop.tests.BackendTest;
import zloop.tests.Backends;

/**
 * {@code connectReadPipe}/{@code connectWritePipe} on pipes the test owns: data, end of stream,
 * flow control when the pipe is full, and a reader that goes away. Facts from CPython's {@code
 * test_unix_events.py} (UnixReadPipeTransportTests, UnixWritePipeTransportTests). The nio
 * backend has no descriptors and refuses with an error naming itself.
 */
@Timeout(120)
@ExtendWith(FdLeakCheck.class)
class PipeTransportTest {

  /** Records a pipe's events. */
  private static final class PipeEnd implements Protocol {
    final List<String> events = new ArrayList<>();
    final CRC32 crc = new CRC32();
    final StringBuilder text = new StringBuilder();
    final Future<Throwable> lost;
    long received;
    boolean paused;
    int pauses;
    int resumes;
    Transport transport;

    PipeEnd(EventLoop loop) {
      lost = loop.createFuture();
    }

    @Override
    public void connectionMade(Transport t) {
      transport = t;
      events.add("connectionMade");
    }

    @Override
    public void dataReceived(ByteBuffer data) {
      received += data.remaining();
      crc.update(data.duplicate());
      if (text.length() < 1024) {
        text.append(StandardCharsets.UTF_8.decode(data.duplicate()));
      }
    }

    @Override
    public boolean eofReceived() {
      events.add("eofReceived");
      return false;
    }

    @Override
    public void connectionLost(Throwable exception) {
      events.add("connectionLost" + (exception != null ? " " + exception : ""));
      lost.setResult(exception);
    }

    @Override
    public void pauseWriting() {
      paused = true;
      pauses++;
    }

    @Override
    public void resumeWriting() {
      paused = false;
      resumes++;
    }
  }

  private static boolean refusedOnNio(EventLoop loop, String backend, int[] fds) {
    if (!backend.equals("nio")) {
      return false;
    }
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> loop.connectReadPipe(() -> new PipeEnd(loop), fds[0]));
    assertTrue(e.getMessage().contains("nio"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> loop.connectWritePipe(() -> new PipeEnd(loop), fds[1]));
    RawPipes.close(fds[0]);
    RawPipes.close(fds[1]);
    return true;
  }

  /** Data, then the writer's close: eofReceived, then connectionLost(null) (test__read_ready_eof). */
  @BackendTest
  void aReadPipeDeliversDataThenItsEnd(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] fds = RawPipes.pipe();
      if (refusedOnNio(loop, backend, fds)) {
        return;
      }
      PipeEnd reader = new PipeEnd(loop);
      Connection<PipeEnd> c = await(loop, loop.connectReadPipe(() -> reader, fds[0]), "connectReadPipe");
      assertEquals("connectionMade", reader.events.get(0));
      assertThrows(IllegalStateException.class, () -> loop.addReader(fds[0], () -> {}));
      RawPipes.writeAll(fds[1], "hello pipe".getBytes(StandardCharsets.UTF_8));
      RawPipes.close(fds[1]);
      assertNull(await(loop, reader.lost, "connectionLost"));
      assertEquals("hello pipe", reader.text.toString());
      assertEquals(List.of("connectionMade", "eofReceived", "connectionLost"), reader.events);
      assertTrue(c.transport().isClosing());
    }
  }

  /**
   * A write pipe nobody reads fills up: pauseWriting; once a read pipe on the same loop drains
   * it, resumeWriting, and every byte arrives in order (checksummed). Closing the writer ends the
   * reader.
   */
  @BackendTest
  void aFullWritePipePausesTheWriterUntilItDrains(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] fds = RawPipes.pipe();
      if (refusedOnNio(loop, backend, fds)) {
        return;
      }
      PipeEnd writer = new PipeEnd(loop);
      Transport w = await(loop, loop.connectWritePipe(() -> writer, fds[1]), "connectWritePipe").transport();
      byte[] data = Net.payload(4 << 20, 11);
      CRC32 expected = new CRC32();
      expected.update(data);
      for (int at = 0; at < data.length; at += 64 * 1024) {
        w.write(ByteBuffer.wrap(data, at, 64 * 1024));
      }
      assertTrue(writer.paused, "4 MiB into a 64 KiB pipe must pause the writer");
      assertTrue(w.getWriteBufferSize() > 0);
      PipeEnd reader = new PipeEnd(loop);
      await(loop, loop.connectReadPipe(() -> reader, fds[0]), "connectReadPipe");
      w.close(); // graceful: the buffer goes out first
      await(loop, reader.lost, "the reader's end");
      assertEquals(data.length, reader.received);
      assertEquals(expected.getValue(), reader.crc.getValue());
      assertTrue(writer.resumes > 0, "resumeWriting after the pipe drained");
      assertNull(await(loop, writer.lost, "the writer's connectionLost"));
    }
  }

  /**
   * The reader closes while nothing is being written: the write pipe notices anyway and ends with
   * connectionLost(null) (UnixWritePipeTransportTests::test__read_ready).
   */
  @BackendTest
  void aWritePipeEndsWhenItsReaderCloses(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] fds = RawPipes.pipe();
      if (refusedOnNio(loop, backend, fds)) {
        return;
      }
      PipeEnd writer = new PipeEnd(loop);
      await(loop, loop.connectWritePipe(() -> writer, fds[1]), "connectWritePipe");
      RawPipes.close(fds[0]);
      assertNull(await(loop, writer.lost, "connectionLost after the reader closed"));
    }
  }

  /** A descriptor open the wrong way round is refused with the reason, and stays the user's. */
  @BackendTest
  void aDescriptorOpenTheWrongWayIsRefused(String backend) {
    try (EventLoop loop = Backends.open(backend)) {
      int[] fds = RawPipes.pipe();
      if (refusedOnNio(loop, backend, fds)) {
        return;
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loop.connectReadPipe(() -> new PipeEnd(loop), fds[1]));
      assertTrue(e.getMessage().contains("not open for reading"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> loop.connectWritePipe(() -> new PipeEnd(loop), fds[0]));
      assertFalse(loop.isClosed());
      RawPipes.close(fds[0]);
      RawPipes.close(fds[1]);
    }
  }
}
