package zloop.tests.net;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import zloop.EventLoop;
import zloop.Future;
import zloop.SubprocessProtocol;
import zloop.SubprocessTransport;

/** A subprocess protocol that records its events, checksums stdout and keeps stderr. */
final class ChildRecorder implements SubprocessProtocol {
  final List<String> events = new ArrayList<>();
  final CRC32 stdoutCrc = new CRC32();
  final long[] received = new long[3];
  final StringBuilder text = new StringBuilder();
  final Future<Void> lost;
  SubprocessTransport transport;
  boolean writingPaused;
  int pauses;
  Runnable onResume = () -> {};

  ChildRecorder(EventLoop loop) {
    this.lost = loop.createFuture();
  }

  @Override
  public void connectionMade(SubprocessTransport t) {
    transport = t;
    events.add("connectionMade");
  }

  @Override
  public void pipeDataReceived(int fd, ByteBuffer data) {
    received[fd] += data.remaining();
    if (fd == 1) {
      stdoutCrc.update(data.duplicate());
    }
    if (text.length() < 4096) {
      byte[] b = new byte[Math.min(data.remaining(), 4096)];
      data.duplicate().get(b);
      text.append(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Override
  public void pipeConnectionLost(int fd, Throwable exception) {
    events.add("pipeConnectionLost " + fd + (exception != null ? " " + exception : ""));
  }

  @Override
  public void processExited() {
    events.add("processExited " + transport.returnCode().orElseThrow());
  }

  @Override
  public void connectionLost(Throwable exception) {
    events.add("connectionLost");
    lost.setResult(null);
  }

  @Override
  public void pauseWriting() {
    writingPaused = true;
    pauses++;
  }

  @Override
  public void resumeWriting() {
    writingPaused = false;
    onResume.run();
  }
}
