package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class ErrnoTest {

  @Test
  void namesKnownAndUnknownErrnos() {
    assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
    assertEquals("ECONNRESET", Errno.name(104));
    assertEquals("errno 4000", Errno.name(4000));
  }

  @Test
  void closingAnInvalidDescriptorReturnsMinusEbadf() {
    try (Arena arena = Arena.ofConfined()) {
      ErrnoCapture errno = new ErrnoCapture(arena);
      assertEquals(-Errno.EBADF, Libc.close(-1, errno));
      assertEquals(Errno.EBADF, errno.get());
    }
  }

  @Test
  void messageNamesSyscallErrnoAndStrerror() {
    IOException e = Errno.exception("epoll_ctl", Errno.EBADF);
    assertEquals(IOException.class, e.getClass());
    assertEquals("epoll_ctl failed: EBADF (" + Errno.strerror(Errno.EBADF) + ")", e.getMessage());
    assertFalse(Errno.strerror(Errno.EBADF).isBlank());
  }

  @Test
  void mapsSocketErrnosToStandardExceptions() {
    assertInstanceOf(ConnectException.class, Errno.exception("connect", Errno.ECONNREFUSED));
    assertInstanceOf(BindException.class, Errno.exception("bind", Errno.EADDRINUSE));
    assertInstanceOf(BindException.class, Errno.exception("bind", Errno.EADDRNOTAVAIL));
    assertInstanceOf(BindException.class, Errno.exception("bind", Errno.EACCES));
    assertEquals(IOException.class, Errno.exception("open", Errno.EACCES).getClass());
    assertInstanceOf(NoRouteToHostException.class, Errno.exception("connect", Errno.EHOSTUNREACH));
    assertInstanceOf(ConnectException.class, Errno.exception("connect", Errno.ETIMEDOUT));
    IOException readTimeout = Errno.exception("read", Errno.ETIMEDOUT);
    assertInstanceOf(SocketException.class, readTimeout);
    assertFalse(readTimeout instanceof ConnectException);
    assertEquals(SocketException.class, Errno.exception("read", Errno.ENOTCONN).getClass());
    assertEquals(IOException.class, Errno.exception("accept4", Errno.EMFILE).getClass());
  }

  @Test
  void resetAndBrokenPipeAreStacklessSocketExceptions() {
    IOException reset = Errno.exception("read", Errno.ECONNRESET);
    IOException pipe = Errno.exception("write", Errno.EPIPE);
    assertInstanceOf(SocketException.class, reset);
    assertInstanceOf(SocketException.class, pipe);
    assertEquals(0, reset.getStackTrace().length);
    assertEquals(0, pipe.getStackTrace().length);
    assertEquals(
        "read failed: ECONNRESET (" + Errno.strerror(Errno.ECONNRESET) + ")", reset.getMessage());
    assertNotEquals(0, Errno.exception("connect", Errno.ECONNREFUSED).getStackTrace().length);
  }

  @Test
  void checkPassesSuccessAndThrowsFailure() throws IOException {
    assertEquals(7, Errno.check("read", 7));
    IOException e = assertThrows(IOException.class, () -> Errno.check("connect", -111));
    assertInstanceOf(ConnectException.class, e);
  }

  @Test
  void rejectsNonPositiveErrno() {
    assertThrows(IllegalArgumentException.class, () -> Errno.exception("read", 0));
    assertThrows(IllegalArgumentException.class, () -> Errno.exception("read", -Errno.EBADF));
  }
}
