package zloop.backend.iouring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.posix.Errno;

/** The reasons a user reads when io_uring cannot run: each names what to change. */
class SetupFailureTest {

  @Test
  void eprmWithTheSysctlAtTwoSaysIoUringIsSwitchedOff() {
    String m = SetupFailure.describe(Errno.EPERM, 2);
    assertTrue(m.startsWith("io_uring_setup failed: EPERM ("), m);
    assertTrue(m.contains("kernel.io_uring_disabled=2"), m);
  }

  @Test
  void epermWithTheSysctlAtOneNamesTheGroup() {
    String m = SetupFailure.describe(Errno.EPERM, 1);
    assertTrue(m.contains("kernel.io_uring_group"), m);
  }

  @Test
  void epermOtherwiseBlamesSeccompAndSaysWhatToAllow() {
    String m = SetupFailure.describe(Errno.EPERM, 0);
    assertTrue(m.contains("seccomp"), m);
    assertTrue(m.contains("io_uring_setup, io_uring_enter and io_uring_register"), m);
    assertEquals(m, SetupFailure.describe(Errno.EPERM, -1));
  }

  @Test
  void enosysSaysTheKernelHasNoIoUring() {
    String m = SetupFailure.describe(Errno.ENOSYS, 0);
    assertTrue(m.contains("ENOSYS") && m.contains("CONFIG_IO_URING"), m);
  }

  @Test
  void theSysctlIsReadAndAMissingOneIsMinusOne(@TempDir Path dir) throws IOException {
    Path sysctl = Files.writeString(dir.resolve("io_uring_disabled"), "2\n");
    assertEquals(2, SetupFailure.disabledSetting(sysctl));
    assertEquals(-1, SetupFailure.disabledSetting(dir.resolve("missing")));
  }
}
