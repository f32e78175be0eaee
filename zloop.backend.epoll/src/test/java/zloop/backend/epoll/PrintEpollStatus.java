package zloop.backend.epoll;

import zloop.BackendStatus;

/** Prints the provider's status; {@link NativeAccessDeniedTest} runs it in a JVM of its own. */
public final class PrintEpollStatus {

  private PrintEpollStatus() {}

  public static void main(String[] args) {
    BackendStatus status = new EpollBackendProvider().status();
    System.out.println("available=" + status.available());
    System.out.println("reason=" + status.reason());
  }
}
