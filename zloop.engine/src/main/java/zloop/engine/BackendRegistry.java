package zloop.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import zloop.BackendStatus;
import zloop.engine.spi.BackendProvider;

/**
 * The backends found with {@link ServiceLoader}, their availability, and the choice of one by
 * name. Every failure to choose names the available backends and why each other one is not. The
 * engine holds no backend: with no backend module at all, every failure says which modules to add.
 */
final class BackendRegistry {
  /** Backends zloop ships, with the module each lives in, so a missing one can be explained. */
  private static final Map<String, String> KNOWN =
      Map.of(
          "epoll", "zloop.backend.epoll",
          "io_uring", "zloop.backend.iouring",
          "kqueue", "zloop.backend.kqueue",
          "nio", "zloop.backend.nio");

  private record Entry(BackendProvider provider, BackendStatus status) {}

  private final Map<String, Entry> byName = new LinkedHashMap<>();
  private final List<String> loadFailures = new ArrayList<>();

  BackendRegistry(Iterable<BackendProvider> providers) {
    List<Entry> found = new ArrayList<>();
    Iterator<BackendProvider> it = providers.iterator();
    while (true) {
      BackendProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        loadFailures.add(e.getMessage());
        continue;
      }
      found.add(new Entry(p, probe(p)));
    }
    found.sort(Comparator.comparingInt((Entry e) -> -e.provider().autoRank()));
    for (Entry e : found) {
      byName.putIfAbsent(e.provider().name(), e);
    }
  }

  static BackendRegistry load() {
    return new BackendRegistry(ServiceLoader.load(BackendProvider.class, Loop.class.getClassLoader()));
  }

  private static BackendStatus probe(BackendProvider p) {
    try {
      return p.status();
    } catch (RuntimeException | LinkageError e) {
      return BackendStatus.unavailable(p.name(), "its availability probe failed: " + e);
    }
  }

  /** Every backend, found or only known, in preference order. */
  List<BackendStatus> statuses() {
    List<BackendStatus> out = new ArrayList<>();
    for (Entry e : byName.values()) {
      out.add(e.status());
    }
    for (String name : KNOWN.keySet().stream().sorted().toList()) {
      if (!byName.containsKey(name)) {
        out.add(BackendStatus.unavailable(name, missingReason(name)));
      }
    }
    return out;
  }

  /** The backend {@code auto} picks, or an explanation of why there is none. */
  BackendProvider auto() {
    for (Entry e : byName.values()) {
      if (e.status().available() && e.provider().autoRank() >= 0) {
        return e.provider();
      }
    }
    throw new IllegalArgumentException("no zloop backend is available: " + describeAll());
  }

  /** The provider for a name ({@code auto} included), or a clear failure. */
  BackendProvider select(String name) {
    String wanted = name == null ? "auto" : name.trim();
    if (wanted.equals("auto")) {
      return auto();
    }
    Entry e = byName.get(wanted);
    if (e == null) {
      String why =
          KNOWN.containsKey(wanted)
              ? "zloop backend '" + wanted + "' is unavailable: " + missingReason(wanted)
              : "unknown zloop backend '" + wanted + "' (-Dzloop.backend)";
      throw new IllegalArgumentException(why + ". " + describeAll());
    }
    if (!e.status().available()) {
      throw new IllegalArgumentException(
          "zloop backend '"
              + wanted
              + "' is unavailable: "
              + e.status().reason()
              + ". "
              + describeAll());
    }
    return e.provider();
  }

  private static String missingReason(String name) {
    return "module " + KNOWN.get(name) + " is not on the module path or class path";
  }

  /** "Available: epoll, nio. Unavailable: kqueue (needs macOS or BSD), ..." */
  String describeAll() {
    if (byName.isEmpty() && loadFailures.isEmpty()) {
      return noBackendModule();
    }
    List<String> available = new ArrayList<>();
    List<String> unavailable = new ArrayList<>();
    for (BackendStatus s : statuses()) {
      if (s.available()) {
        available.add(s.name());
      } else {
        unavailable.add(s.name() + " (" + s.reason() + ")");
      }
    }
    StringBuilder b = new StringBuilder("Available: ");
    b.append(available.isEmpty() ? "none" : String.join(", ", available));
    if (!unavailable.isEmpty()) {
      b.append(". Unavailable: ").append(String.join("; ", unavailable));
    }
    if (!loadFailures.isEmpty()) {
      b.append(". Failed to load: ").append(String.join("; ", loadFailures));
    }
    if (byName.isEmpty()) {
      b.append(". ").append(noBackendModule());
    }
    return b.toString();
  }

  /** The engine ships no backend: say which modules to add. */
  private static String noBackendModule() {
    return "No backend module was found (zloop.engine holds none): put one or more of "
        + String.join(", ", KNOWN.values().stream().sorted().toList())
        + " on the module path or class path (zloop.backend.nio runs anywhere;"
        + " the native ones also need zloop.posix)";
  }
}
