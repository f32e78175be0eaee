package zloop;

/**
 * Serves one stream connection of {@link Streams#startServer}: runs as a task of its own, so it may
 * block in {@code join()}. When it returns or fails, the connection is not closed for it (close
 * the writer); a failure goes to the loop's exception handler.
 */
@FunctionalInterface
public interface ClientConnected {
  void serve(StreamReader reader, StreamWriter writer) throws Exception;
}
