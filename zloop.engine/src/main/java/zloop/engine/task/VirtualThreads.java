package zloop.engine.task;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * zloop's one deliberate reach into JDK internals: a virtual thread whose scheduler is the loop.
 *
 * <p>Why: tasks are asyncio coroutines written in blocking style. A virtual thread parks cheaply,
 * and with the loop as its scheduler every step runs on the loop thread, so task code never races
 * with protocol callbacks. The JDK builds such threads with the package-private {@code
 * java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)} constructor, which is not public API;
 * reaching it needs {@code --add-opens java.base/java.lang=zloop.engine}. Without the flag,
 * creating a task fails with a message that names it.
 *
 * <p>A virtual thread built without an explicit scheduler takes its parent's when the parent is a
 * virtual thread (see {@code java.lang.VirtualThread}'s constructor): a thread started inside a
 * task would be scheduled by the loop. The engine therefore builds its own helper threads with
 * {@link #offLoopFactory}, whose scheduler is the JDK's default one whoever creates them, and
 * {@link TaskCarrier} sends any continuation that is not its task's to {@link #defaultScheduler}.
 */
final class VirtualThreads {
  private static final MethodHandle NEW_BUILDER;
  private static final Executor DEFAULT_SCHEDULER;
  private static final String UNAVAILABLE;

  static {
    MethodHandle handle = null;
    Executor defaultScheduler = null;
    String reason = null;
    try {
      Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      Constructor<?> ctor = builder.getDeclaredConstructor(Executor.class);
      ctor.setAccessible(true);
      handle =
          MethodHandles.lookup()
              .unreflectConstructor(ctor)
              .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
      Method scheduler = Class.forName("java.lang.VirtualThread").getDeclaredMethod("defaultScheduler");
      scheduler.setAccessible(true);
      defaultScheduler = (Executor) scheduler.invoke(null);
    } catch (RuntimeException | ReflectiveOperationException e) {
      handle = null;
      defaultScheduler = null;
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
    DEFAULT_SCHEDULER = defaultScheduler;
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

  /**
   * The JDK's default virtual-thread scheduler (a pool of platform carrier threads), or {@code
   * null} when tasks are unavailable (then no thread is ever scheduled by a loop).
   */
  static Executor defaultScheduler() {
    return DEFAULT_SCHEDULER;
  }

  /**
   * Virtual threads named {@code prefix0}, {@code prefix1}, ... that run on the JDK's default
   * scheduler even when created inside a task, so their work never lands on a loop thread.
   */
  static ThreadFactory offLoopFactory(String prefix) {
    if (NEW_BUILDER == null) {
      // Without the flag no task exists, so no parent can hand the loop down: the plain builder is
      // already off the loop.
      return Thread.ofVirtual().name(prefix, 0).factory();
    }
    try {
      Thread.Builder.OfVirtual builder =
          (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(DEFAULT_SCHEDULER);
      return builder.name(prefix, 0).factory();
    } catch (Throwable t) {
      throw new IllegalStateException("could not build an executor thread factory", t);
    }
  }
}
