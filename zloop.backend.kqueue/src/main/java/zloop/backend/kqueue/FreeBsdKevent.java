package zloop.backend.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.stream.Stream;

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

  /** The first six fields are libkqueue's (the same types on 64-bit hosts), then {@code ext}. */
  static final StructLayout KEVENT =
      MemoryLayout.structLayout(
          Stream.concat(
                  LibkqueueKevent.KEVENT.memberLayouts().stream(),
                  Stream.of(MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("ext")))
              .toArray(MemoryLayout[]::new));

  private FreeBsdKevent() {}
}
