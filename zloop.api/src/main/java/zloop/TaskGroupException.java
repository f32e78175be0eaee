package zloop;

import java.util.List;

/**
 * The failures of a {@link TaskGroup}, reported together: asyncio's {@code ExceptionGroup} for a
 * task group, in Java shape. The first failure (in the order they happened) is the {@linkplain
 * #getCause() cause}, the others are {@linkplain #getSuppressed() suppressed} in it, and {@link
 * #failures()} lists them all in that order. Failures are children's exceptions and, in {@link
 * EventLoop#withTaskGroup}, the body's; cancelled children are not failures. A nested group's
 * {@code TaskGroupException} is one failure of the outer group, kept whole (asyncio nests its
 * exception groups the same way).
 */
public final class TaskGroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Kept for {@link #failures()}; transient like Throwable's own suppressed list is not. */
  @SuppressWarnings("serial") // an immutable List.copyOf of throwables
  private final List<Throwable> failures;

  /**
   * A group failure.
   *
   * @param failures the failures, in the order they happened; at least one
   * @throws IllegalArgumentException if {@code failures} is empty
   */
  public TaskGroupException(List<? extends Throwable> failures) {
    super(message(failures), failures.isEmpty() ? null : failures.get(0));
    this.failures = List.copyOf(failures);
    for (int i = 1; i < this.failures.size(); i++) {
      addSuppressed(this.failures.get(i));
    }
  }

  private static String message(List<? extends Throwable> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("a TaskGroupException needs at least one failure");
    }
    String first = failures.get(0).toString();
    return failures.size() == 1
        ? "a task of the group failed: " + first
        : failures.size() + " tasks of the group failed; the first: " + first;
  }

  /**
   * Every failure, in the order they happened; the first is also the cause.
   *
   * @return an unmodifiable list of at least one failure
   */
  public List<Throwable> failures() {
    return failures;
  }
}
