package zloop.backend.kqueue;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import zloop.posix.Os;

/**
 * Where {@code kqueue()} and {@code kevent()} come from: libc on macOS and FreeBSD; on Linux,
 * libkqueue (the kqueue API in user space, over epoll), named by {@code
 * -Dzloop.kqueue.library=PATH} or else the environment variable {@code ZLOOP_KQUEUE_LIBRARY}.
 * Reading the configuration links nothing; {@link #lookup} loads the library.
 */
final class KqueueLibrary {

  static final String PROPERTY = "zloop.kqueue.library";
  static final String ENVIRONMENT = "ZLOOP_KQUEUE_LIBRARY";

  private KqueueLibrary() {}

  /** Whether the host's libc has kqueue: macOS and FreeBSD. */
  static boolean inLibc() {
    return Os.isMacOs() || Os.isFreeBsd();
  }

  /** The configured libkqueue path (property first, then environment), or {@code null}. */
  static String configured() {
    String path = System.getProperty(PROPERTY, "");
    if (path.isBlank()) {
      path = System.getenv(ENVIRONMENT);
    }
    return path == null || path.isBlank() ? null : path.strip();
  }

  /**
   * Why kqueue cannot be bound on this host, or {@code null} if it can (on Linux: a library is
   * configured and exists).
   */
  static String unavailableReason() {
    if (inLibc()) {
      return null;
    }
    if (!Os.isLinux()) {
      return "kqueue needs macOS, FreeBSD, or Linux with libkqueue; this host is " + Os.describe();
    }
    String path = configured();
    if (path == null) {
      return "kqueue on Linux needs libkqueue: set -D"
          + PROPERTY
          + "=/path/to/libkqueue.so.0 (or "
          + ENVIRONMENT
          + "); shared/tools/libkqueue builds it";
    }
    if (!Files.isRegularFile(Path.of(path))) {
      return "the libkqueue named by " + PROPERTY + " or " + ENVIRONMENT + " does not exist: " + path;
    }
    return null;
  }

  /** The symbols to bind: libc's, or the configured libkqueue's (loaded once, never unloaded). */
  @SuppressWarnings("restricted") // loading the configured library is this class's job
  static SymbolLookup lookup() {
    if (inLibc()) {
      return Linker.nativeLinker().defaultLookup();
    }
    String path = configured();
    if (path == null) {
      throw new IllegalStateException(unavailableReason());
    }
    return SymbolLookup.libraryLookup(Path.of(path), Arena.global());
  }
}
