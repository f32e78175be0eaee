package zloop;

import java.util.Objects;

/**
 * Whether an I/O backend can run on this host, and why not.
 *
 * @param name the backend's name, as given to {@code -Dzloop.backend}
 * @param available whether a loop can be opened on it here
 * @param reason why it is unavailable (empty when available)
 */
public record BackendStatus(String name, boolean available, String reason) {

  /**
   * Checks the status.
   *
   * @param name the backend's name
   * @param available whether a loop can be opened on it here
   * @param reason why it is unavailable (empty when available)
   */
  public BackendStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * An available backend.
   *
   * @param name the backend's name
   * @return its status
   */
  public static BackendStatus available(String name) {
    return new BackendStatus(name, true, "");
  }

  /**
   * An unavailable backend.
   *
   * @param name the backend's name
   * @param reason why it cannot run here
   * @return its status
   */
  public static BackendStatus unavailable(String name, String reason) {
    return new BackendStatus(name, false, reason);
  }
}
