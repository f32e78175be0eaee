package zloop.backend.iouring;

import zloop.test.support.NativeAccessCheck;

/** The native-access check of {@link NativeAccessCheck} for this module. */
class NativeAccessDeniedTest extends NativeAccessCheck {
  NativeAccessDeniedTest() {
    super("zloop.backend.iouring", PrintIoUringStatus.class);
  }
}
