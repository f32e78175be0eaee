package zloop.bench.echo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options and bare operands, the little the echo programs need. */
final class Args {
  private final Map<String, String> options = new LinkedHashMap<>();
  private final List<String> operands = new ArrayList<>();

  private Args() {}

  /** Parses {@code --name value} pairs and {@code --flag}s (those named in {@code flags}). */
  static Args parse(String[] argv, String... flags) {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      String s = argv[i];
      if (s.startsWith("--")) {
        String name = s.substring(2);
        if (List.of(flags).contains(name)) {
          a.options.put(name, "true");
        } else if (i + 1 < argv.length) {
          a.options.put(name, argv[++i]);
        } else {
          throw new IllegalArgumentException("missing value after " + s);
        }
      } else {
        a.operands.add(s);
      }
    }
    return a;
  }

  String get(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback) {
    String v = options.get(name);
    return v == null ? fallback : Integer.parseInt(v);
  }

  double getDouble(String name, double fallback) {
    String v = options.get(name);
    return v == null ? fallback : Double.parseDouble(v);
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  List<String> operands() {
    return operands;
  }
}
