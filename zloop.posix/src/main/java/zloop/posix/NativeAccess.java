package zloop.posix;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the JVM lets zloop call native code, and which flag to add when it does not.
 *
 * <p>A backend asks this before it touches any class that links a native function, so that a JVM
 * started without {@code --enable-native-access} gets a clear "unavailable" reason instead of a
 * restricted-method warning (or, with {@code --illegal-native-access=deny}, an exception).
 */
public final class NativeAccess {

  private NativeAccess() {}

  /**
   * Why native code cannot be called on behalf of {@code module}, or {@code null} if it can.
   *
   * <p>The backend's module links its own kernel facility, and {@code zloop.posix} links libc on
   * every backend's behalf, so both must be granted; the message names every module that is not. An
   * unnamed module (the class path) is granted with {@code ALL-UNNAMED}.
   */
  public static String unavailableReason(Module module) {
    Set<Module> denied = new LinkedHashSet<>();
    for (Module m : List.of(module, NativeAccess.class.getModule())) {
      if (!m.isNativeAccessEnabled()) {
        denied.add(m);
      }
    }
    return denied.isEmpty() ? null : reason(denied);
  }

  private static String reason(Set<Module> denied) {
    List<String> names = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (Module m : denied) {
      names.add(m.isNamed() ? "module " + m.getName() : "the class path (unnamed module)");
      flags.add(m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }
    return "native access is not enabled for "
        + String.join(" and ", names)
        + ": add --enable-native-access="
        + String.join(",", flags)
        + " to the java command line";
  }
}
