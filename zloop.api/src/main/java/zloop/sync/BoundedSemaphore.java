package zloop.sync;

/**
 * A semaphore that refuses to grow above its initial value: asyncio's {@code BoundedSemaphore}.
 * Made by {@link zloop.EventLoop#createBoundedSemaphore(int)}. {@link #release()} when every
 * permit is already free throws {@link IllegalStateException} ("BoundedSemaphore released too many
 * times"), which catches a release without a matching acquire.
 */
public interface BoundedSemaphore extends Semaphore {}
