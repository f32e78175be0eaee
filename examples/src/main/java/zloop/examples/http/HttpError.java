package zloop.examples.http;

/**
 * A request the server refuses: the status to answer with and why. The connection answers it with
 * {@code Connection: close} and closes, since after a framing error nothing later on the
 * connection can be trusted to start where a request starts.
 */
public final class HttpError extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * A refusal.
   *
   * @param status the status code: 400, 408, 413, 417, 431, 501 or 505
   * @param message the reason, sent as the response body
   */
  public HttpError(int status, String message) {
    super(message, null, false, false); // no stack trace: bad input is expected, not a bug
    this.status = status;
  }

  /**
   * The status code to answer with.
   *
   * @return the code
   */
  public int status() {
    return status;
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }
}
