package zloop;

import java.io.Serial;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Unix-domain socket address: a filesystem path, or (Linux) an abstract name, which lives in no
 * filesystem and vanishes with its last socket. zloop reports Unix socket addresses with this type
 * on every backend.
 */
public final class UnixAddress extends SocketAddress {
  @Serial private static final long serialVersionUID = 1L;

  /** The filesystem path, or {@code null}; a String because Path is not serializable. */
  private final String path;

  /** The abstract name, or {@code null}. */
  private final String abstractName;

  private UnixAddress(String path, String abstractName) {
    this.path = path;
    this.abstractName = abstractName;
  }

  /**
   * A filesystem socket.
   *
   * @param path the socket file's path
   * @return the address
   */
  public static UnixAddress of(Path path) {
    return new UnixAddress(Objects.requireNonNull(path, "path").toString(), null);
  }

  /**
   * A filesystem socket.
   *
   * @param path the socket file's path
   * @return the address
   */
  public static UnixAddress of(String path) {
    return of(Path.of(path));
  }

  /**
   * A Linux abstract socket name (without the leading NUL byte).
   *
   * @param name the abstract name
   * @return the address
   */
  public static UnixAddress ofAbstract(String name) {
    return new UnixAddress(null, Objects.requireNonNull(name, "name"));
  }

  /**
   * Whether this is a Linux abstract name rather than a filesystem path.
   *
   * @return {@code true} for an abstract name
   */
  public boolean isAbstract() {
    return abstractName != null;
  }

  /**
   * The filesystem path, or {@code null} for an abstract name.
   *
   * @return the path, or {@code null}
   */
  public Path path() {
    return path == null ? null : Path.of(path);
  }

  /**
   * The abstract name, or {@code null} for a filesystem path.
   *
   * @return the name, or {@code null}
   */
  public String abstractName() {
    return abstractName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnixAddress u
        && Objects.equals(path, u.path)
        && Objects.equals(abstractName, u.abstractName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, abstractName);
  }

  @Override
  public String toString() {
    return isAbstract() ? "@" + abstractName : path;
  }
}
