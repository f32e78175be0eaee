package zloop.backend.kqueue;

import java.io.IOException;
import java.util.Locale;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;

/**
 * The kqueue backend's provider. The backend itself is not written yet (no macOS or BSD host is
 * available to test it), so the provider reports exactly that instead of offering untested code.
 */
public final class KqueueBackendProvider implements BackendProvider {

  /** Public for {@link java.util.ServiceLoader}. */
  public KqueueBackendProvider() {}

  @Override
  public String name() {
    return "kqueue";
  }

  @Override
  public BackendStatus status() {
    String os = System.getProperty("os.name", "unknown");
    String lower = os.toLowerCase(Locale.ROOT);
    boolean bsdFamily = lower.contains("mac") || lower.contains("bsd") || lower.contains("darwin");
    if (!bsdFamily) {
      return BackendStatus.unavailable(name(), "kqueue needs macOS or a BSD; this host is " + os);
    }
    return BackendStatus.unavailable(
        name(), "the kqueue backend is not implemented yet; use -Dzloop.backend=nio on " + os);
  }

  @Override
  public int autoRank() {
    return -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    throw new IOException("the kqueue backend is not implemented yet");
  }
}
