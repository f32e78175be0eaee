package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OsTest {

  @Test
  void readsJvmOsNames() {
    assertEquals(Os.Family.LINUX, Os.familyOf("Linux"));
    assertEquals(Os.Family.MACOS, Os.familyOf("Mac OS X"));
    assertEquals(Os.Family.FREEBSD, Os.familyOf("FreeBSD"));
    assertEquals(Os.Family.OTHER, Os.familyOf("Windows 11"));
  }

  @Test
  void readsJvmArchNames() {
    assertEquals(Os.Arch.X86_64, Os.archOf("amd64"));
    assertEquals(Os.Arch.X86_64, Os.archOf("x86_64"));
    assertEquals(Os.Arch.AARCH64, Os.archOf("aarch64"));
    assertEquals(Os.Arch.OTHER, Os.archOf("riscv64"));
  }

  @Test
  void describesThisHost() {
    assertEquals(Os.familyOf(System.getProperty("os.name")), Os.family());
    assertTrue(Os.describe().contains(System.getProperty("os.arch")));
  }
}
