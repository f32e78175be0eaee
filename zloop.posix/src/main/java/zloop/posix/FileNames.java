package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * File names as the kernel sees them: bytes in the JVM's file-name charset ({@code
 * sun.jnu.encoding}, the one {@link java.nio.file.Path} uses), so a name zloop hands to a syscall
 * names the same file the JDK would.
 */
public final class FileNames {

  /** The charset of file names on this JVM. */
  public static final Charset CHARSET = charset();

  /** {@code PATH_MAX} (<limits.h>): the longest path a syscall takes, its NUL included. */
  public static final int PATH_MAX = 4096;

  private FileNames() {}

  /** {@code path}'s bytes, for a syscall; no NUL is appended. */
  public static byte[] bytes(Path path) {
    return path.toString().getBytes(CHARSET);
  }

  /**
   * Writes {@code path} into {@code scratch} as a NUL-terminated C string and returns {@code
   * scratch}, to pass to a call such as {@link Libc#open}.
   *
   * @throws FileSystemException if the name does not fit {@code scratch} or holds a NUL byte
   */
  public static MemorySegment toNative(Path path, MemorySegment scratch) throws IOException {
    byte[] name = bytes(path);
    if (name.length + 1 > scratch.byteSize()) {
      throw new FileSystemException(path.toString(), null, "file name too long");
    }
    for (byte b : name) {
      if (b == 0) {
        throw new FileSystemException(path.toString(), null, "NUL byte in file name");
      }
    }
    MemorySegment.copy(name, 0, scratch, JAVA_BYTE, 0, name.length);
    scratch.set(JAVA_BYTE, name.length, (byte) 0);
    return scratch;
  }

  private static Charset charset() {
    String name = System.getProperty("sun.jnu.encoding");
    if (name == null) {
      return Charset.defaultCharset();
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) { // an illegal or unsupported charset name
      return Charset.defaultCharset();
    }
  }
}
