package zloop.engine.spi;

import java.util.List;
import java.util.Objects;
import zloop.Stdio;

/**
 * What {@link Backend#spawn} starts: checked and resolved by the engine, so a backend only
 * launches it. The program is an absolute path already (the engine searched {@code PATH}); the
 * environment is complete (the engine merged or copied it); {@code directory} is {@code null} for
 * the loop's own.
 *
 * @param program the executable's absolute path
 * @param argv the arguments, {@code argv[0]} first
 * @param environment {@code NAME=value} entries, the child's whole environment
 * @param directory the child's working directory, or {@code null} to inherit the parent's
 * @param stdin what the child's descriptor 0 is ({@link Stdio#STDOUT} is refused by the engine)
 * @param stdout what the child's descriptor 1 is ({@link Stdio#STDOUT} is refused by the engine)
 * @param stderr what the child's descriptor 2 is; {@link Stdio#STDOUT} makes it a copy of 1
 */
public record SpawnRequest(
    String program,
    List<String> argv,
    List<String> environment,
    String directory,
    Stdio stdin,
    Stdio stdout,
    Stdio stderr) {

  /** Copies the lists; refuses nulls where a value is required. */
  public SpawnRequest {
    Objects.requireNonNull(program, "program");
    argv = List.copyOf(argv);
    environment = List.copyOf(environment);
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /**
   * The disposition of a child descriptor.
   *
   * @param fd 0, 1 or 2
   * @return what that descriptor is
   */
  public Stdio stdio(int fd) {
    return switch (fd) {
      case 0 -> stdin;
      case 1 -> stdout;
      case 2 -> stderr;
      default -> throw new IllegalArgumentException("not a standard descriptor: " + fd);
    };
  }
}
