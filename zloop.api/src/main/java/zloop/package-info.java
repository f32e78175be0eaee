/**
 * zloop: an asyncio-style event loop. Start with {@link zloop.EventLoops#run} or {@link
 * zloop.EventLoops#newEventLoop()}.
 */
package zloop;
