package zloop.backend.epoll;

import zloop.test.support.NativeAccessCheck;

/** The native-access check of {@link NativeAccessCheck} for this module. */
class NativeAccessDeniedTest extends NativeAccessCheck {
  NativeAccessDeniedTest() {
    super("zloop.backend.epoll", PrintEpollStatus.class);
  }
}
