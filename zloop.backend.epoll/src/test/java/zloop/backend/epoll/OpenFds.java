package zloop.backend.epoll;

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
final class OpenFds {

  private final List<String> baseline;

  private OpenFds(List<String> baseline) {
    this.baseline = baseline;
  }

  /** Records what is open now. */
  static OpenFds snapshot() {
    return new OpenFds(list());
  }

  /** Fails if more or fewer descriptors of those kinds are open than at the snapshot. */
  void assertBackToBaseline() {
    List<String> now = list();
    assertEquals(
        baseline.size(), now.size(), () -> "open fds: before " + baseline + ", after " + now);
  }

  /** Whether any descriptor of this process refers to {@code file}. */
  static boolean anyOpen(Path file) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      String target = file.toAbsolutePath().toString();
      return fds.map(OpenFds::target).anyMatch(target::equals);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> list() {
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
