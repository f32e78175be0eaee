package zloop.engine.signal;

import java.util.Locale;
import java.util.Map;

/**
 * Signal names as users write them ({@code "USR1"} or {@code "SIGUSR1"}), and the signals zloop
 * refuses before asking the JVM, each with the reason a user needs to read.
 *
 * <p>The JVM itself refuses SIGKILL, SIGSTOP, SIGSEGV, SIGILL, SIGFPE and SIGQUIT ("Signal already
 * used by VM or OS"), and SIGINT, SIGTERM and SIGHUP under {@code -Xrs}. It accepts SIGBUS and
 * SIGUSR2, which HotSpot's own native handlers use, and a Java handler there would silently replace
 * them: zloop refuses those two as well.
 */
final class SignalNames {
  private SignalNames() {}

  /** Why a signal can never get a handler, by canonical name (no "SIG" prefix). */
  private static final Map<String, String> NEVER =
      Map.of(
          "KILL", "SIGKILL cannot be caught: the kernel never runs a handler for it",
          "STOP", "SIGSTOP cannot be caught: the kernel never runs a handler for it",
          "SEGV",
              "the JVM uses SIGSEGV itself (implicit null checks, safepoint polls, stack overflow"
                  + " checks)",
          "BUS",
              "the JVM uses SIGBUS itself (a read of a truncated memory-mapped file becomes an"
                  + " InternalError); a handler would replace that",
          "FPE", "the JVM uses SIGFPE itself (integer division by zero becomes ArithmeticException)",
          "ILL", "the JVM uses SIGILL itself (traps in compiled code)",
          "QUIT",
              "the JVM uses SIGQUIT for thread dumps (kill -3, jstack) and lets no Java handler take"
                  + " it, not even with -Xrs",
          "USR2",
              "HotSpot uses SIGUSR2 to suspend and resume threads; a handler would replace its own");

  /** The signals the JVM gives up under {@code -Xrs} and keeps ignored when the process ignores them. */
  static boolean isShutdownSignal(String name) {
    return name.equals("INT") || name.equals("TERM") || name.equals("HUP");
  }

  /**
   * The canonical name ({@code "USR1"}) of what the user wrote.
   *
   * @throws IllegalArgumentException for a blank name
   */
  static String canonical(String signal) {
    if (signal == null || signal.isBlank()) {
      throw new IllegalArgumentException("no signal named: give a name such as USR1 or SIGUSR1");
    }
    String upper = signal.strip().toUpperCase(Locale.ROOT);
    return upper.startsWith("SIG") ? upper.substring(3) : upper;
  }

  /** The reason zloop refuses this signal outright, or {@code null}. */
  static String neverHandled(String canonical) {
    return NEVER.get(canonical);
  }
}
