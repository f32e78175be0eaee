package zloop.examples.http;

/**
 * Answers requests: called on the loop thread once per complete request (head and whole body), in
 * the order requests arrive on a connection. It must answer before returning, through one call of
 * {@link ResponseWriter#respond} or {@link ResponseWriter#stream}; it must not block.
 */
@FunctionalInterface
public interface HttpHandler {
  /**
   * Answers one request.
   *
   * @param request the request; its body is valid only during this call
   * @param response where the answer goes
   */
  void handle(HttpRequest request, ResponseWriter response);
}
