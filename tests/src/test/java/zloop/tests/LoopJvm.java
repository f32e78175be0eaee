package zloop.tests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link ForkedJvm} with the flags loops and tasks need, running a main class of this module. */
final class LoopJvm {
  private LoopJvm() {}

  static ForkedJvm.Result run(String mainClass, String... args) throws IOException, InterruptedException {
    return run(List.of(), mainClass, args);
  }

  static ForkedJvm.Result run(List<String> extraFlags, String mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> flags = new ArrayList<>(extraFlags);
    flags.add("--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue");
    flags.add("--add-opens");
    flags.add("java.base/java.lang=zloop.engine");
    flags.addAll(Backends.childJvmProperties()); // the kqueue library, where configured
    return ForkedJvm.run(flags, System.getProperty("jdk.module.path"), mainClass, args);
  }
}
