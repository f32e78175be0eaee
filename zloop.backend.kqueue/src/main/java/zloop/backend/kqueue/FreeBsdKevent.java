package zloop.backend.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * FreeBSD 12+'s {@code struct kevent} and the one kqueue constant where FreeBSD differs from
 * macOS, from FreeBSD {@code sys/sys/event.h}:
 *
 * <pre>
 *   #define EVFILT_USER (-11)
 *   struct kevent {
 *     __uintptr_t ident; short filter; unsigned short flags; unsigned int fflags;
 *     __int64_t data; void *udata; __uint64_t ext[4];
 *   };                                   // 64 bytes on 64-bit
 * </pre>
 *
 * (FreeBSD 11 and older had the 32-byte layout without {@code ext}, kept as {@code
 * kevent_freebsd11} for old binaries; zloop binds the current one.)
 */
final class FreeBsdKevent {

  static final short EVFILT_USER = -11;

  static final StructLayout KEVENT =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("ident"),
          JAVA_SHORT.withName("filter"),
          JAVA_SHORT.withName("flags"),
          JAVA_INT.withName("fflags"),
          JAVA_LONG.withName("data"),
          JAVA_LONG.withName("udata"),
          MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("ext"));

  private FreeBsdKevent() {}
}
