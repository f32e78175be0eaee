package zloop.test.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The descriptors of the kinds the loop opens (sockets, pipes, epoll and eventfd instances), read
 * from {@code /proc/self/fd}. Files the JVM opens on its own (jars, /dev/random) are not counted,
 * so a baseline taken before a test holds after it.
 */
public final class OpenFds {

  static {
    // The JDK keeps one end of a socket pair for the life of the process (the descriptor it dup2s
    // over a channel's while closing it), made when the first socket channel is: make it now, so
    // that no baseline misses it.
    try {
      java.nio.channels.SocketChannel.open().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final List<String> baseline;

  private OpenFds(List<String> baseline) {
    this.baseline = baseline;
  }

  /** Records what is open now. */
  public static OpenFds snapshot() {
    return new OpenFds(list());
  }

  /** Fails if more or fewer descriptors of those kinds are open than at the snapshot. */
  public void assertBackToBaseline() {
    List<String> now = list();
    assertEquals(
        baseline.size(), now.size(), () -> "open fds: before " + baseline + ", after " + now);
  }

  /** Whether any descriptor of this process refers to {@code file}. */
  public static boolean anyOpen(Path file) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      String target = file.toAbsolutePath().toString();
      return fds.map(OpenFds::target).anyMatch(target::equals);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The descriptors of those kinds open now, by what they refer to. */
  public static List<String> list() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(OpenFds::target)
          .filter(
              t -> t.startsWith("socket:") || t.startsWith("pipe:") || t.startsWith("anon_inode:"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String target(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed since listing, e.g. the directory stream's own fd
    }
  }
}
