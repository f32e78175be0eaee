package zloop.tests.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Maven local repository of its own for one outside build, so that installing zloop there never
 * touches the shared one (other builds on this machine read their own zloop SNAPSHOTs from it).
 *
 * <p>Everything but {@code dev/zloop} is a symbolic link into the shared repository: the outside
 * build finds the plugins this build already used, offline too, and online it may add what is
 * missing there as any build would. {@code dev/zloop} is written here in the layout {@code mvn
 * install} writes: {@code <artifactId>/<version>/<artifactId>-<version>[-classifier].<ext>}.
 */
final class TemporaryLocalRepository {
  private static final String GROUP_DIR = "dev";
  private static final String ZLOOP_DIR = "zloop";

  final Path root;

  private TemporaryLocalRepository(Path root) {
    this.root = root;
  }

  /** A repository under {@code dir} that sees {@code shared} for everything but zloop. */
  static TemporaryLocalRepository linkedTo(Path shared, Path dir) throws IOException {
    Path root = Files.createDirectories(dir);
    if (Files.isDirectory(shared)) {
      linkChildren(shared, root, GROUP_DIR);
      Path sharedGroup = shared.resolve(GROUP_DIR);
      Path group = Files.createDirectories(root.resolve(GROUP_DIR));
      if (Files.isDirectory(sharedGroup)) {
        linkChildren(sharedGroup, group, ZLOOP_DIR);
      }
    }
    return new TemporaryLocalRepository(root);
  }

  private static void linkChildren(Path from, Path to, String except) throws IOException {
    try (Stream<Path> children = Files.list(from)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (!name.equals(except)) {
          Files.createSymbolicLink(to.resolve(name), child);
        }
      }
    }
  }

  /** Installs a pom-only artifact (a parent, a BOM, an aggregate of dependencies). */
  void installPom(String artifactId, String version, Path pom) throws IOException {
    copy(pom, artifactDir(artifactId, version).resolve(artifactId + "-" + version + ".pom"));
  }

  /** Installs a jar with its pom and, if given, its other classified jars (sources, javadoc). */
  void installJar(String artifactId, String version, Path pom, Path jar, List<Classified> extras)
      throws IOException {
    installPom(artifactId, version, pom);
    Path dir = artifactDir(artifactId, version);
    copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
    for (Classified extra : extras) {
      copy(extra.file(), dir.resolve(artifactId + "-" + version + "-" + extra.classifier() + ".jar"));
    }
  }

  /** A jar attached beside the main one. */
  record Classified(String classifier, Path file) {}

  private Path artifactDir(String artifactId, String version) throws IOException {
    return Files.createDirectories(root.resolve(GROUP_DIR).resolve(ZLOOP_DIR).resolve(artifactId).resolve(version));
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.isRegularFile(from)) {
      throw new IllegalStateException(
          from + " is missing: build the published modules first (mvn -B verify builds them before this test)");
    }
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }
}
