package zloop;

import java.net.SocketOption;

/** Socket options zloop supports beyond {@link java.net.StandardSocketOptions}. */
public final class ZloopSocketOptions {
  private ZloopSocketOptions() {}

  /**
   * {@code IPV6_V6ONLY}: an IPv6 socket that does not also accept IPv4 (so {@code ::} and {@code
   * 0.0.0.0} can listen on the same port). Backends without it throw {@link
   * UnsupportedOperationException}.
   */
  public static final SocketOption<Boolean> IPV6_V6ONLY = new Option<>("IPV6_V6ONLY", Boolean.class);

  private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
    @Override
    public String toString() {
      return name;
    }
  }
}
