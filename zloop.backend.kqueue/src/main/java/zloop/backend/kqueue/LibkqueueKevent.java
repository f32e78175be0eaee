package zloop.backend.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * libkqueue's {@code struct kevent} on Linux (its {@code include/sys/event.h}): macOS's fields
 * without the packing, and FreeBSD's filter numbers ({@code EVFILT_USER (-11)}):
 *
 * <pre>
 *   struct kevent {
 *     uintptr_t ident; short filter; unsigned short flags; unsigned int fflags;
 *     intptr_t data; void *udata;
 *   };                                   // 32 bytes on 64-bit
 * </pre>
 *
 * {@code KqueueLayoutTest} checks this against the header compiled by a C probe.
 */
final class LibkqueueKevent {

  static final short EVFILT_USER = -11;

  static final StructLayout KEVENT =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("ident"),
          JAVA_SHORT.withName("filter"),
          JAVA_SHORT.withName("flags"),
          JAVA_INT.withName("fflags"),
          JAVA_LONG.withName("data"),
          JAVA_LONG.withName("udata"));

  private LibkqueueKevent() {}
}
