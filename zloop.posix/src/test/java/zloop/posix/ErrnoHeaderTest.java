package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Errno's constants against {@code <errno.h>}, compiled with gcc on this host. */
class ErrnoHeaderTest {

  @Test
  void constantsMatchErrnoHeader(@TempDir Path dir) throws Exception {
    Map<String, Integer> ours = constants();
    StringBuilder c = new StringBuilder();
    c.append("#include <errno.h>\n#include <stdio.h>\nint main(void) {\n");
    for (String name : ours.keySet()) {
      c.append("  printf(\"%s %d\\n\", \"").append(name).append("\", ").append(name).append(");\n");
    }
    c.append("  return 0;\n}\n");

    Map<String, Long> header = CProgram.run(dir, c.toString());

    List<Executable> checks = new ArrayList<>();
    ours.forEach(
        (name, value) -> {
          checks.add(() -> assertEquals(header.get(name), (long) value, name));
          checks.add(() -> assertEquals(name, Errno.name(value), "Errno.name(" + value + ")"));
        });
    assertAll(checks);
  }

  private static Map<String, Integer> constants() throws IllegalAccessException {
    Map<String, Integer> constants = new LinkedHashMap<>();
    for (Field f : Errno.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        constants.put(f.getName(), f.getInt(null));
      }
    }
    return constants;
  }
}
