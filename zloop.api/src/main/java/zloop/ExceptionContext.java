package zloop;

import java.util.Objects;

/**
 * What the loop knows about a failure it could not hand to anyone: the argument of an {@link
 * ExceptionHandler}. asyncio's context dictionary, as a record.
 *
 * @param message what went wrong, always present
 * @param exception the failure, or {@code null}
 * @param handle the callback that failed, or {@code null}
 * @param future the future or task involved, or {@code null}
 * @param transport the transport involved, or {@code null}
 * @param protocol the protocol involved, or {@code null}
 */
public record ExceptionContext(
    String message,
    Throwable exception,
    Handle handle,
    Future<?> future,
    Object transport,
    Object protocol) {

  /**
   * Checks the context.
   *
   * @param message what went wrong, always present
   * @param exception the failure, or {@code null}
   * @param handle the callback that failed, or {@code null}
   * @param future the future or task involved, or {@code null}
   * @param transport the transport involved, or {@code null}
   * @param protocol the protocol involved, or {@code null}
   */
  public ExceptionContext {
    Objects.requireNonNull(message, "message");
  }

  /**
   * A context with a message and an exception only.
   *
   * @param message what went wrong
   * @param exception the failure, or {@code null}
   * @return the context
   */
  public static ExceptionContext of(String message, Throwable exception) {
    return new ExceptionContext(message, exception, null, null, null, null);
  }

  /**
   * This context with the handle set.
   *
   * @param newHandle the callback that failed
   * @return a copy
   */
  public ExceptionContext withHandle(Handle newHandle) {
    return new ExceptionContext(message, exception, newHandle, future, transport, protocol);
  }

  /**
   * This context with the future set.
   *
   * @param newFuture the future or task involved
   * @return a copy
   */
  public ExceptionContext withFuture(Future<?> newFuture) {
    return new ExceptionContext(message, exception, handle, newFuture, transport, protocol);
  }

  /**
   * This context with the transport and protocol set.
   *
   * @param newTransport the transport involved
   * @param newProtocol the protocol involved
   * @return a copy
   */
  public ExceptionContext withTransport(Object newTransport, Object newProtocol) {
    return new ExceptionContext(message, exception, handle, future, newTransport, newProtocol);
  }
}
