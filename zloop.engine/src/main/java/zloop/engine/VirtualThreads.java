package zloop.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * zloop's one deliberate reach into JDK internals: a virtual thread whose scheduler is the loop.
 *
 * <p>Why: tasks are asyncio coroutines written in blocking style. A virtual thread parks cheaply,
 * and with the loop as its scheduler every step runs on the loop thread, so task code never races
 * with protocol callbacks. The JDK builds such threads with the package-private {@code
 * java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)} constructor, which is not public API;
 * reaching it needs {@code --add-opens java.base/java.lang=zloop.engine}. Without the flag,
 * creating a task fails with a message that names it.
 */
final class VirtualThreads {
  private static final MethodHandle NEW_BUILDER;
  private static final String UNAVAILABLE;

  static {
    MethodHandle handle = null;
    String reason = null;
    try {
      Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      Constructor<?> ctor = builder.getDeclaredConstructor(Executor.class);
      ctor.setAccessible(true);
      handle =
          MethodHandles.lookup()
              .unreflectConstructor(ctor)
              .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
    } catch (RuntimeException | ReflectiveOperationException e) {
      Module self = VirtualThreads.class.getModule();
      String target = self.isNamed() ? self.getName() : "ALL-UNNAMED";
      reason =
          "zloop tasks run as virtual threads scheduled by the loop, which needs the JVM flag"
              + " --add-opens java.base/java.lang="
              + target
              + " ("
              + e
              + ")";
    }
    NEW_BUILDER = handle;
    UNAVAILABLE = reason;
  }

  private VirtualThreads() {}

  /** Why tasks cannot be created in this JVM, or {@code null} if they can. */
  static String unavailableReason() {
    return UNAVAILABLE;
  }

  /** An unstarted virtual thread running {@code body}, scheduled by {@code scheduler}. */
  static Thread newThread(Executor scheduler, String name, Runnable body) {
    if (NEW_BUILDER == null) {
      throw new UnsupportedOperationException(UNAVAILABLE);
    }
    try {
      Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
      return builder.name(name).unstarted(body);
    } catch (Throwable t) {
      throw new IllegalStateException("could not build a task thread", t);
    }
  }
}
