package zloop.backend.kqueue;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/**
 * {@code struct kevent} and the kqueue constants: libkqueue's against its header compiled by a C
 * probe (on Linux, where the library is configured), macOS's and FreeBSD's against the sizes and
 * offsets read from their headers (Apple xnu {@code bsd/sys/event.h}, FreeBSD {@code
 * sys/sys/event.h}), so a wrong constant fails here on any host.
 */
class KqueueLayoutTest {

  private static final String PROBE =
      """
      #include <stddef.h>
      #include <stdio.h>
      #include "%s"

      #define VALUE(name) printf("%%s %%lld\\n", #name, (long long) (name))
      #define OFFSET(field) printf("%%s %%zu\\n", #field, offsetof(struct kevent, field))

      int main(void) {
        printf("sizeof %%zu\\n", sizeof(struct kevent));
        OFFSET(ident);
        OFFSET(filter);
        OFFSET(flags);
        OFFSET(fflags);
        OFFSET(data);
        OFFSET(udata);
        VALUE(EVFILT_READ);
        VALUE(EVFILT_WRITE);
        VALUE(EVFILT_USER);
        VALUE(EV_ADD);
        VALUE(EV_DELETE);
        VALUE(EV_ENABLE);
        VALUE(EV_DISABLE);
        VALUE(EV_ONESHOT);
        VALUE(EV_CLEAR);
        VALUE(EV_RECEIPT);
        VALUE(EV_ERROR);
        VALUE(EV_EOF);
        VALUE(NOTE_TRIGGER);
        return 0;
      }
      """;

  @Test
  void libkqueueMatchesItsHeader(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(KqueueLibrary.unavailableReason() == null, KqueueLibrary::unavailableReason);
    Assumptions.assumeTrue(KqueueLibrary.configured() != null, "kqueue comes from libc here");
    // shared/tools/libkqueue builds into <cache>/build, its generated header beside the library.
    Path header = Path.of(KqueueLibrary.configured()).getParent().resolve("include/sys/event.h");
    Assumptions.assumeTrue(Files.exists(header), () -> "no libkqueue header at " + header);
    Map<String, Long> c = CProgram.run(dir, PROBE.formatted(header));
    StructLayout k = LibkqueueKevent.KEVENT;
    assertAll(
        () -> assertEquals(c.get("sizeof"), k.byteSize(), "sizeof(struct kevent)"),
        () -> assertEquals(c.get("ident"), offset(k, "ident"), "ident"),
        () -> assertEquals(c.get("filter"), offset(k, "filter"), "filter"),
        () -> assertEquals(c.get("flags"), offset(k, "flags"), "flags"),
        () -> assertEquals(c.get("fflags"), offset(k, "fflags"), "fflags"),
        () -> assertEquals(c.get("data"), offset(k, "data"), "data"),
        () -> assertEquals(c.get("udata"), offset(k, "udata"), "udata"),
        () -> assertEquals(c.get("EVFILT_READ"), (long) Kqueue.EVFILT_READ, "EVFILT_READ"),
        () -> assertEquals(c.get("EVFILT_WRITE"), (long) Kqueue.EVFILT_WRITE, "EVFILT_WRITE"),
        () -> assertEquals(c.get("EVFILT_USER"), (long) LibkqueueKevent.EVFILT_USER, "EVFILT_USER"),
        () -> assertEquals(c.get("EV_ADD"), Kqueue.EV_ADD, "EV_ADD"),
        () -> assertEquals(c.get("EV_DELETE"), Kqueue.EV_DELETE, "EV_DELETE"),
        () -> assertEquals(c.get("EV_ENABLE"), Kqueue.EV_ENABLE, "EV_ENABLE"),
        () -> assertEquals(c.get("EV_DISABLE"), Kqueue.EV_DISABLE, "EV_DISABLE"),
        () -> assertEquals(c.get("EV_ONESHOT"), Kqueue.EV_ONESHOT, "EV_ONESHOT"),
        () -> assertEquals(c.get("EV_CLEAR"), Kqueue.EV_CLEAR, "EV_CLEAR"),
        () -> assertEquals(c.get("EV_RECEIPT"), Kqueue.EV_RECEIPT, "EV_RECEIPT"),
        () -> assertEquals(c.get("EV_ERROR"), Kqueue.EV_ERROR, "EV_ERROR"),
        () -> assertEquals(c.get("EV_EOF"), Kqueue.EV_EOF, "EV_EOF"),
        () -> assertEquals(c.get("NOTE_TRIGGER"), Kqueue.NOTE_TRIGGER, "NOTE_TRIGGER"));
  }

  /**
   * Apple xnu bsd/sys/event.h, under {@code #pragma pack(4)}: uintptr_t ident (0), int16_t filter
   * (8), uint16_t flags (10), uint32_t fflags (12), intptr_t data (16), void *udata (24); 32
   * bytes, 4-byte aligned; {@code EVFILT_USER (-10)}.
   */
  @Test
  void macOsLayoutIsXnus() {
    StructLayout k = DarwinKevent.KEVENT;
    assertAll(
        () -> assertEquals(32, k.byteSize(), "sizeof(struct kevent)"),
        () -> assertEquals(4, k.byteAlignment(), "#pragma pack(4)"),
        () -> assertBsdFieldOffsets(k),
        () -> assertEquals(-10, DarwinKevent.EVFILT_USER, "EVFILT_USER"));
  }

  /**
   * FreeBSD 12+ sys/sys/event.h: __uintptr_t ident (0), short filter (8), unsigned short flags
   * (10), unsigned int fflags (12), __int64_t data (16), void *udata (24), __uint64_t ext[4] (32);
   * 64 bytes; {@code EVFILT_USER (-11)}.
   */
  @Test
  void freeBsdLayoutIsFreeBsd12s() {
    StructLayout k = FreeBsdKevent.KEVENT;
    assertAll(
        () -> assertEquals(64, k.byteSize(), "sizeof(struct kevent)"),
        () -> assertBsdFieldOffsets(k),
        () -> assertEquals(32, offset(k, "ext")),
        () -> assertEquals(-11, FreeBsdKevent.EVFILT_USER, "EVFILT_USER"));
  }

  /**
   * The same numbers in Apple's and FreeBSD's headers (and libkqueue's, checked above). Constant
   * fields only: reading them loads no library.
   */
  @Test
  void sharedConstantsAreTheBsdOnes() {
    assertAll(
        () -> assertEquals(-1, Kqueue.EVFILT_READ),
        () -> assertEquals(-2, Kqueue.EVFILT_WRITE),
        () -> assertEquals(0x0001, Kqueue.EV_ADD),
        () -> assertEquals(0x0002, Kqueue.EV_DELETE),
        () -> assertEquals(0x0020, Kqueue.EV_CLEAR),
        () -> assertEquals(0x0040, Kqueue.EV_RECEIPT),
        () -> assertEquals(0x4000, Kqueue.EV_ERROR),
        () -> assertEquals(0x8000, Kqueue.EV_EOF),
        () -> assertEquals(0x01000000, Kqueue.NOTE_TRIGGER));
  }

  /** ident 0, filter 8, flags 10, fflags 12, data 16, udata 24: the same in both headers. */
  private static void assertBsdFieldOffsets(StructLayout k) {
    assertAll(
        () -> assertEquals(0, offset(k, "ident"), "ident"),
        () -> assertEquals(8, offset(k, "filter"), "filter"),
        () -> assertEquals(10, offset(k, "flags"), "flags"),
        () -> assertEquals(12, offset(k, "fflags"), "fflags"),
        () -> assertEquals(16, offset(k, "data"), "data"),
        () -> assertEquals(24, offset(k, "udata"), "udata"));
  }

  private static long offset(StructLayout layout, String field) {
    return layout.byteOffset(PathElement.groupElement(field));
  }
}
