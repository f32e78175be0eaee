package zloop.tests.net;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures the warnings the loop logs on the {@code "zloop"} logger (debug mode's slow-callback
 * reports) while open.
 */
final class SlowReports implements AutoCloseable {
  private final Logger logger = Logger.getLogger("zloop");
  private final List<String> warnings = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            synchronized (warnings) {
              warnings.add(record.getMessage());
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  SlowReports() {
    logger.addHandler(capture);
  }

  /** The "Executing ... took X seconds" reports so far. */
  List<String> slow() {
    synchronized (warnings) {
      return warnings.stream().filter(m -> m.startsWith("Executing ")).toList();
    }
  }

  @Override
  public void close() {
    logger.removeHandler(capture);
  }
}
