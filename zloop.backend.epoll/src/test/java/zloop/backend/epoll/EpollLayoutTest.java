package zloop.backend.epoll;

import zloop.posix.EventFd;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/** struct epoll_event and the epoll and eventfd constants against this host's C headers. */
class EpollLayoutTest {

  private static final String PROBE =
      """
      #include <stddef.h>
      #include <stdio.h>
      #include <sys/epoll.h>
      #include <sys/eventfd.h>

      #define VALUE(name) printf("%s %lld\\n", #name, (long long) (name))

      int main(void) {
        printf("sizeof %zu\\n", sizeof(struct epoll_event));
        printf("events %zu\\n", offsetof(struct epoll_event, events));
        printf("data %zu\\n", offsetof(struct epoll_event, data));
        VALUE(EPOLL_CLOEXEC);
        VALUE(EPOLL_CTL_ADD);
        VALUE(EPOLL_CTL_DEL);
        VALUE(EPOLL_CTL_MOD);
        VALUE(EPOLLIN);
        VALUE(EPOLLPRI);
        VALUE(EPOLLOUT);
        VALUE(EPOLLERR);
        VALUE(EPOLLHUP);
        VALUE(EPOLLRDHUP);
        VALUE(EPOLLEXCLUSIVE);
        VALUE(EPOLLONESHOT);
        printf("EPOLLET %d\\n", (int) EPOLLET); /* 1u << 31 */
        VALUE(EFD_CLOEXEC);
        VALUE(EFD_NONBLOCK);
        return 0;
      }
      """;

  @Test
  void matchesKernelHeaders(@TempDir Path dir) throws Exception {
    Map<String, Long> c = CProgram.run(dir, PROBE);
    assertAll(
        () -> assertEquals(c.get("sizeof"), Epoll.EVENT.byteSize(), "sizeof(struct epoll_event)"),
        () -> assertEquals(c.get("sizeof"), Epoll.EVENT_SIZE, "EVENT_SIZE"),
        () -> assertEquals(c.get("events"), offset("events"), "offsetof(events)"),
        () -> assertEquals(c.get("data"), offset("data"), "offsetof(data)"),
        () -> assertEquals(c.get("EPOLL_CLOEXEC"), Epoll.EPOLL_CLOEXEC, "EPOLL_CLOEXEC"),
        () -> assertEquals(c.get("EPOLL_CTL_ADD"), Epoll.EPOLL_CTL_ADD, "EPOLL_CTL_ADD"),
        () -> assertEquals(c.get("EPOLL_CTL_DEL"), Epoll.EPOLL_CTL_DEL, "EPOLL_CTL_DEL"),
        () -> assertEquals(c.get("EPOLL_CTL_MOD"), Epoll.EPOLL_CTL_MOD, "EPOLL_CTL_MOD"),
        () -> assertEquals(c.get("EPOLLIN"), Epoll.EPOLLIN, "EPOLLIN"),
        () -> assertEquals(c.get("EPOLLPRI"), Epoll.EPOLLPRI, "EPOLLPRI"),
        () -> assertEquals(c.get("EPOLLOUT"), Epoll.EPOLLOUT, "EPOLLOUT"),
        () -> assertEquals(c.get("EPOLLERR"), Epoll.EPOLLERR, "EPOLLERR"),
        () -> assertEquals(c.get("EPOLLHUP"), Epoll.EPOLLHUP, "EPOLLHUP"),
        () -> assertEquals(c.get("EPOLLRDHUP"), Epoll.EPOLLRDHUP, "EPOLLRDHUP"),
        () -> assertEquals(c.get("EPOLLEXCLUSIVE"), Epoll.EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE"),
        () -> assertEquals(c.get("EPOLLONESHOT"), Epoll.EPOLLONESHOT, "EPOLLONESHOT"),
        () -> assertEquals(c.get("EPOLLET"), Epoll.EPOLLET, "EPOLLET"),
        () -> assertEquals(c.get("EFD_CLOEXEC"), EventFd.EFD_CLOEXEC, "EFD_CLOEXEC"),
        () -> assertEquals(c.get("EFD_NONBLOCK"), EventFd.EFD_NONBLOCK, "EFD_NONBLOCK"));
  }

  private static long offset(String field) {
    return Epoll.EVENT.byteOffset(PathElement.groupElement(field));
  }
}
