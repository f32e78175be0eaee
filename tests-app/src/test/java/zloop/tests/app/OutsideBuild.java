package zloop.tests.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * examples/app built as its author would: zloop installed into a (temporary) local repository,
 * then {@code mvn package} on the project, which knows zloop only by its Maven coordinates.
 */
final class OutsideBuild {
  /** What zloop publishes: each jar module's directory is named after its artifactId. */
  static final List<String> PUBLISHED_JARS =
      List.of(
          "zloop.api",
          "zloop.engine",
          "zloop.posix",
          "zloop.backend.nio",
          "zloop.backend.epoll",
          "zloop.backend.iouring",
          "zloop.backend.kqueue",
          "zloop.tls");

  final Path zloopRoot = Path.of(required("zloop.root")).toAbsolutePath().normalize();
  final String version = required("zloop.version");
  final Path work;
  final Path project;
  final TemporaryLocalRepository repository;

  private OutsideBuild(Path work) throws IOException {
    this.work = work;
    this.project = work.resolve("app");
    this.repository =
        TemporaryLocalRepository.linkedTo(Path.of(required("zloop.maven.localRepository")), work.resolve("repository"));
  }

  /** Installs zloop into a fresh repository under {@code work}, copies the project there and builds it. */
  static OutsideBuild installAndPackage(Path work) throws IOException, InterruptedException {
    deleteWithoutFollowingLinks(work);
    OutsideBuild build = new OutsideBuild(work);
    build.install();
    copyTree(build.zloopRoot.resolve("examples/app"), build.project);
    build.maven("package");
    return build;
  }

  private void install() throws IOException {
    repository.installPom("zloop-parent", version, zloopRoot.resolve("pom.xml"));
    repository.installPom("zloop-bom", version, zloopRoot.resolve("zloop-bom/pom.xml"));
    repository.installPom("zloop-runtime", version, zloopRoot.resolve("zloop-runtime/pom.xml"));
    for (String artifactId : PUBLISHED_JARS) {
      Path module = zloopRoot.resolve(artifactId);
      Path target = module.resolve("target");
      List<TemporaryLocalRepository.Classified> extras = new ArrayList<>();
      extras.add(new TemporaryLocalRepository.Classified("sources", target.resolve(artifactId + "-" + version + "-sources.jar")));
      Path javadoc = target.resolve(artifactId + "-" + version + "-javadoc.jar");
      if (Files.isRegularFile(javadoc)) { // absent where the build skips javadoc
        extras.add(new TemporaryLocalRepository.Classified("javadoc", javadoc));
      }
      repository.installJar(artifactId, version, module.resolve("pom.xml"), target.resolve(artifactId + "-" + version + ".jar"), extras);
    }
  }

  /** Runs Maven (the one running this build) on the project, offline if this build is. */
  void maven(String... goals) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(required("zloop.maven.home"), "bin", "mvn").toString());
    cmd.add("-B");
    if (System.getProperty("zloop.maven.offline", "").equals("offline=true")) {
      cmd.add("-o");
    }
    cmd.add("-Dmaven.repo.local=" + repository.root);
    cmd.add("-f");
    cmd.add(project.resolve("pom.xml").toString());
    cmd.addAll(List.of(goals));
    Run run = Run.of(cmd, work, 600);
    if (run.exitCode() != 0) {
      throw new AssertionError("the outside build failed: " + cmd + "\n" + run.output());
    }
  }

  Path appJar() {
    return project.resolve("target/app.jar");
  }

  Path libDir() {
    return project.resolve("target/lib");
  }

  /** A finished process: its exit code and its stdout and stderr, interleaved. */
  record Run(int exitCode, String output) {
    static Run of(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
      Path log = Files.createTempFile(dir, "run-", ".log");
      Process p =
          new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("did not finish in " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      throw new IllegalStateException("system property " + property + " is not set (the tests-app pom sets it)");
    }
    return value;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path rel = from.relativize(f);
        if (rel.startsWith("target")) {
          continue; // a build the user ran in the source tree is not ours
        }
        Path dest = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Deletes a tree; its symbolic links into the shared repository go, never what they point to. */
  static void deleteWithoutFollowingLinks(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
