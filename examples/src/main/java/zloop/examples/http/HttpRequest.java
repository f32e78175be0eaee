package zloop.examples.http;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * One parsed request as a handler sees it: the request line, the header fields in arrival order,
 * and the whole body (de-chunked). The body is a read-only view valid only during the handler's
 * call: copy what you keep.
 *
 * @param method the method, case-sensitive as sent ({@code GET})
 * @param target the request target as sent ({@code /echo?x=1})
 * @param http10 whether the request said {@code HTTP/1.0}
 * @param headers the header fields as name, value pairs, in arrival order
 * @param body the body, empty when there is none
 */
public record HttpRequest(String method, String target, boolean http10, List<Field> headers, ByteBuffer body) {

  /**
   * One header field.
   *
   * @param name the name as sent
   * @param value the value without surrounding spaces
   */
  public record Field(String name, String value) {}

  /**
   * The target's path: the part before {@code ?}.
   *
   * @return the path
   */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /**
   * A query parameter's value ({@code name=value} pairs after {@code ?}, not URL-decoded), or the
   * fallback.
   *
   * @param name the parameter
   * @param fallback what to return if it is absent
   * @return the value or the fallback
   */
  public String query(String name, String fallback) {
    int q = target.indexOf('?');
    if (q < 0) {
      return fallback;
    }
    for (String pair : target.substring(q + 1).split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return fallback;
  }

  /**
   * The first field of that name (ignoring case), or {@code null}.
   *
   * @param name the field name
   * @return its value or {@code null}
   */
  public String header(String name) {
    for (Field f : headers) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.value();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s %s HTTP/1.%d", method, target, http10 ? 0 : 1);
  }
}
