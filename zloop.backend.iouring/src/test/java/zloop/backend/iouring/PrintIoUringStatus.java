package zloop.backend.iouring;

import zloop.BackendStatus;

/** Prints the provider's status; {@link NativeAccessDeniedTest} runs it in a JVM of its own. */
public final class PrintIoUringStatus {

  private PrintIoUringStatus() {}

  public static void main(String[] args) {
    BackendStatus status = new IoUringBackendProvider().status();
    System.out.println("available=" + status.available());
    System.out.println("reason=" + status.reason());
  }
}
