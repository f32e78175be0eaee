package zloop.backend.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * macOS's {@code struct kevent} and the one kqueue constant where macOS differs, from Apple xnu
 * {@code bsd/sys/event.h}:
 *
 * <pre>
 *   #define EVFILT_USER (-10)
 *   #pragma pack(4)
 *   struct kevent {
 *     uintptr_t ident; int16_t filter; uint16_t flags; uint32_t fflags;
 *     intptr_t data; void *udata;
 *   };                                   // 32 bytes on 64-bit, 4-byte aligned
 *   #pragma pack()
 * </pre>
 */
final class DarwinKevent {

  static final short EVFILT_USER = -10;

  /** {@code #pragma pack(4)}: the 8-byte fields need only 4-byte alignment. */
  static final StructLayout KEVENT =
      MemoryLayout.structLayout(
          JAVA_LONG.withByteAlignment(4).withName("ident"),
          JAVA_SHORT.withName("filter"),
          JAVA_SHORT.withName("flags"),
          JAVA_INT.withName("fflags"),
          JAVA_LONG.withByteAlignment(4).withName("data"),
          JAVA_LONG.withByteAlignment(4).withName("udata"));

  private DarwinKevent() {}
}
