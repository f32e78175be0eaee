package zloop.backend.nio;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Socket options held for a channel that does not exist yet (see {@link NioSocket}), or that a
 * listener passes on to every socket it accepts (see {@link NioAcceptor}). Kept in the order they
 * were set; setting an option again replaces its value. Loop thread only.
 */
final class SavedOptions {
  private final List<Saved<?>> saved = new ArrayList<>(4);

  <T> void put(SocketOption<T> option, T value) {
    Objects.requireNonNull(option, "option");
    Saved<T> entry = new Saved<>(option, option.type().cast(Objects.requireNonNull(value, "value")));
    for (int i = 0; i < saved.size(); i++) {
      if (saved.get(i).option().equals(option)) {
        saved.set(i, entry);
        return;
      }
    }
    saved.add(entry);
  }

  /** The value set for {@code option}, or {@code null} if none was. */
  <T> T get(SocketOption<T> option) {
    for (Saved<?> s : saved) {
      if (s.option().equals(option)) {
        return option.type().cast(s.value());
      }
    }
    return null;
  }

  boolean isEmpty() {
    return saved.isEmpty();
  }

  /**
   * Sets every saved option {@code channel} supports on it, and moves the others into {@code
   * unsupported} (or drops them if it is {@code null}).
   */
  void applyTo(NetworkChannel channel, SavedOptions unsupported) throws IOException {
    for (Saved<?> s : saved) {
      if (channel.supportedOptions().contains(s.option())) {
        s.applyTo(channel);
      } else if (unsupported != null) {
        unsupported.saved.add(s);
      }
    }
  }

  private record Saved<T>(SocketOption<T> option, T value) {
    void applyTo(NetworkChannel channel) throws IOException {
      channel.setOption(option, value);
    }
  }
}
