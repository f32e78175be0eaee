package zloop.internal.transport;

import java.util.Objects;
import zloop.WriteBufferLimits;

/**
 * A transport's write flow control, asyncio's {@code _FlowControlMixin}: pauses the protocol when
 * the write buffer goes over the high watermark and resumes it once it drains to the low one. The
 * transport passes its buffer size in (it alone knows what counts); the watermarks and the paused
 * flag live here. No allocation except when the limits change.
 *
 * <p>Loop thread only.
 */
public final class WriteFlowControl {
  private final AppProtocolCaller app;
  private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
  private boolean paused;

  /** @param app the protocol to pause and resume; its failures are only reported */
  public WriteFlowControl(AppProtocolCaller app) {
    this.app = Objects.requireNonNull(app, "app");
  }

  /** Pauses the protocol if {@code bufferSize} is over the high watermark and it is not paused. */
  public void maybePause(long bufferSize) {
    if (!paused && bufferSize > limits.high()) {
      paused = true;
      app.pauseWriting();
    }
  }

  /** Resumes the protocol if it is paused and {@code bufferSize} drained to the low watermark. */
  public void maybeResume(long bufferSize) {
    if (paused && bufferSize <= limits.low()) {
      paused = false;
      app.resumeWriting();
    }
  }

  /** Whether the protocol was told to pause and not resumed since. */
  public boolean isPaused() {
    return paused;
  }

  public WriteBufferLimits limits() {
    return limits;
  }

  /**
   * Pauses or resumes the protocol as {@code bufferSize} calls for (after the limits changed, or
   * for a transport that checks both ways at once).
   */
  public void update(long bufferSize) {
    maybePause(bufferSize);
    maybeResume(bufferSize);
  }

  /**
   * Sets the watermarks; the transport then calls {@link #update} when it is ready to pause or
   * resume the protocol.
   */
  public void setLimits(WriteBufferLimits newLimits) {
    limits = Objects.requireNonNull(newLimits, "limits");
  }

  /** Takes over watermarks set elsewhere (a transport layered over another starts with its limits). */
  public void adopt(WriteBufferLimits inherited) {
    limits = Objects.requireNonNull(inherited, "limits");
  }
}
