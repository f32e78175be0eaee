package zloop.engine.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link SendFile} over a {@link FileChannel}: what {@link Backend#openFileForSending} opens
 * unless a backend has its own kind of file (a native backend opens a descriptor).
 */
public final class ChannelSendFile implements SendFile {

  private final Path path;
  private final FileChannel channel;

  private ChannelSendFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Opens {@code file} for reading. */
  public static ChannelSendFile open(Path file) throws IOException {
    return new ChannelSendFile(file, FileChannel.open(file, StandardOpenOption.READ));
  }

  /** The open channel, for a backend that sends with {@link FileChannel#transferTo}. */
  public FileChannel channel() {
    return channel;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public int read(ByteBuffer target, long position) throws IOException {
    int n = channel.read(target, position);
    return Math.max(n, 0);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // read-only: nothing was lost
    }
  }

  @Override
  public String toString() {
    return "ChannelSendFile[" + path + "]";
  }
}
