package zloop;

/** An open stream connection: asyncio's {@code (reader, writer)} pair. */
public record StreamPair(StreamReader reader, StreamWriter writer) {}
