package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/**
 * The socket structs ({@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un}, {@code
 * iovec}, {@code msghdr}, {@code linger}) and every socket and file constant against this host's C
 * headers, compiled with gcc.
 */
class SocketLayoutTest {

  /** Each struct: its layout, its C name, and the fields to check. */
  private static final Map<String, StructLayout> STRUCTS = new LinkedHashMap<>();

  static {
    STRUCTS.put("sockaddr_in", SockAddr.SOCKADDR_IN);
    STRUCTS.put("sockaddr_in6", SockAddr.SOCKADDR_IN6);
    STRUCTS.put("sockaddr_un", SockAddr.SOCKADDR_UN);
    STRUCTS.put("iovec", IoVecs.IOVEC);
    STRUCTS.put("msghdr", IoVecs.MSGHDR);
    STRUCTS.put("linger", SocketOptions.LINGER);
  }

  @Test
  void structsMatchHeaders(@TempDir Path dir) throws Exception {
    StringBuilder c = prologue();
    STRUCTS.forEach(
        (name, layout) -> {
          c.append("  printf(\"sizeof(%s) %zu\\n\", \"")
              .append(name)
              .append("\", sizeof(struct ")
              .append(name)
              .append("));\n");
          for (String field : fields(layout)) {
            c.append("  printf(\"%s.%s %zu\\n\", \"")
                .append(name)
                .append("\", \"")
                .append(field)
                .append("\", offsetof(struct ")
                .append(name)
                .append(", ")
                .append(field)
                .append("));\n");
          }
        });
    c.append("  printf(\"sizeof(sockaddr_storage) %zu\\n\", sizeof(struct sockaddr_storage));\n");
    c.append("  return 0;\n}\n");

    Map<String, Long> header = CProgram.run(dir, c.toString());

    List<Executable> checks = new ArrayList<>();
    STRUCTS.forEach(
        (name, layout) -> {
          String size = "sizeof(" + name + ")";
          checks.add(() -> assertEquals(header.get(size), layout.byteSize(), size));
          for (String field : fields(layout)) {
            String key = name + "." + field;
            long offset = layout.byteOffset(PathElement.groupElement(field));
            checks.add(() -> assertEquals(header.get(key), offset, "offsetof(" + key + ")"));
          }
        });
    checks.add(
        () ->
            assertEquals(
                header.get("sizeof(sockaddr_storage)"), SockAddr.STORAGE_SIZE, "sockaddr_storage"));
    assertAll(checks);
  }

  @Test
  void constantsMatchHeaders(@TempDir Path dir) throws Exception {
    Map<String, Integer> ours = new LinkedHashMap<>();
    ours.putAll(intConstants(Sockets.class));
    ours.putAll(intConstants(Libc.class));
    ours.putAll(intConstants(FileNames.class));
    StringBuilder c = prologue();
    for (String name : ours.keySet()) {
      c.append("  printf(\"%s %lld\\n\", \"")
          .append(name)
          .append("\", (long long) ")
          .append(name)
          .append(");\n");
    }
    c.append("  return 0;\n}\n");

    Map<String, Long> header = CProgram.run(dir, c.toString());

    List<Executable> checks = new ArrayList<>();
    ours.forEach(
        (name, value) -> checks.add(() -> assertEquals(header.get(name), (long) value, name)));
    assertAll(checks);
  }

  private static StringBuilder prologue() {
    return new StringBuilder(
        """
        #define _GNU_SOURCE
        #include <fcntl.h>
        #include <limits.h>
        #include <netinet/in.h>
        #include <netinet/tcp.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <sys/socket.h>
        #include <sys/uio.h>
        #include <sys/un.h>
        int main(void) {
        """);
  }

  /** The named fields of a struct layout (padding has no name). */
  private static List<String> fields(StructLayout layout) {
    return layout.memberLayouts().stream().flatMap(m -> m.name().stream()).toList();
  }

  private static Map<String, Integer> intConstants(Class<?> type) throws IllegalAccessException {
    Map<String, Integer> constants = new LinkedHashMap<>();
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        constants.put(f.getName(), f.getInt(null));
      }
    }
    return constants;
  }
}
