package zloop.engine;

/** The loop's monotonic time source, in nanoseconds. Replaced by a manual clock in tests. */
@FunctionalInterface
interface Clock {
  Clock SYSTEM = System::nanoTime;

  long nanoTime();
}
