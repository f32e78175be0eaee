package zloop.tls;

/**
 * The engine's rule for failures of user code (its {@code CallbackGuard}, which this module cannot
 * see: it requires only {@code zloop.api}), applied where the TLS layer calls the application's
 * protocol, an SNI selector or a trust manager's delegated task. Any {@link Throwable} is the
 * connection's failure: the TLS layer reports it through the loop's exception handler and ends
 * that connection. A {@link VirtualMachineError} is not: it goes on up, and the engine's guard
 * lets it stop the loop.
 */
final class CallbackRule {
  private CallbackRule() {}

  /** Returns {@code failure}, or rethrows it if the loop must not survive it. */
  static Throwable survivable(Throwable failure) {
    if (failure instanceof VirtualMachineError e) {
      throw e;
    }
    return failure;
  }
}
