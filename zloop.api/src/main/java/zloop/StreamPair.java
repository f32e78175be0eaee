package zloop;

/**
 * An open stream connection: asyncio's {@code (reader, writer)} pair.
 *
 * @param reader the reading half
 * @param writer the writing half
 */
public record StreamPair(StreamReader reader, StreamWriter writer) {}
