package zloop.posix;

import java.util.Locale;

/**
 * The host's operating system and CPU architecture, read once from {@code os.name} and {@code
 * os.arch}. Backends use it to say why they cannot run and to pick per-OS struct layouts.
 */
public final class Os {

  /** The operating systems zloop has native backends for. */
  public enum Family {
    LINUX,
    MACOS,
    FREEBSD,
    OTHER
  }

  /** The architectures whose struct layouts and constants zloop knows. */
  public enum Arch {
    X86_64,
    AARCH64,
    OTHER
  }

  private static final String NAME = System.getProperty("os.name", "unknown");
  private static final String ARCH_NAME = System.getProperty("os.arch", "unknown");
  private static final Family FAMILY = familyOf(NAME);
  private static final Arch ARCH = archOf(ARCH_NAME);

  private Os() {}

  public static Family family() {
    return FAMILY;
  }

  public static Arch arch() {
    return ARCH;
  }

  public static boolean isLinux() {
    return FAMILY == Family.LINUX;
  }

  public static boolean isMacOs() {
    return FAMILY == Family.MACOS;
  }

  public static boolean isFreeBsd() {
    return FAMILY == Family.FREEBSD;
  }

  /** The host as the JVM names it, for messages: {@code "Linux/amd64"}. */
  public static String describe() {
    return NAME + "/" + ARCH_NAME;
  }

  /**
   * The family of an {@code os.name} value: a pure function, for tests of per-OS choices.
   *
   * @param osName what the JVM reports as {@code os.name} ({@code "Mac OS X"}, {@code "FreeBSD"})
   * @return its family, {@link Family#OTHER} if zloop has no tables for it
   */
  public static Family familyOf(String osName) {
    String name = osName.toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return Family.LINUX;
    }
    if (name.startsWith("mac") || name.startsWith("darwin")) {
      return Family.MACOS;
    }
    if (name.startsWith("freebsd")) {
      return Family.FREEBSD;
    }
    return Family.OTHER;
  }

  static Arch archOf(String osArch) {
    // The JVM says "amd64" on Linux and "x86_64" on macOS for the same CPU.
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64", "x86-64" -> Arch.X86_64;
      case "aarch64", "arm64" -> Arch.AARCH64;
      default -> Arch.OTHER;
    };
  }
}
