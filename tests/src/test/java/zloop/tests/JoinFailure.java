package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.function.Executable;

/**
 * Asserting a failure out of {@code join()}/{@code result()}: zloop's one exception model delivers
 * it wrapped in a {@link CompletionException} whose cause is the failure.
 */
final class JoinFailure {
  private JoinFailure() {}

  /** Runs {@code call}, expects a {@link CompletionException} caused by a {@code type}, returns it. */
  static <T extends Throwable> T assertJoinFails(Class<T> type, Executable call) {
    CompletionException e = assertThrows(CompletionException.class, call);
    return assertInstanceOf(type, e.getCause());
  }
}
