package zloop.sync;

import zloop.Future;

/**
 * A queue between the producer and consumer tasks (or callbacks) of one loop: asyncio's {@code
 * Queue}, {@code LifoQueue} and {@code PriorityQueue} (3.13, with {@code shutdown}). Made by
 * {@link zloop.EventLoop#createQueue(int)}, {@link zloop.EventLoop#createLifoQueue(int)} and
 * {@link zloop.EventLoop#createPriorityQueue(int, java.util.Comparator)}; they differ only in
 * which item a get takes.
 *
 * <p>A queue with a {@link #maxsize()} of zero or less is unbounded. An item put while a getter
 * waits goes straight to the first getter; a slot freed while a putter waits takes the first
 * putter's item. {@link #join()} waits until every item put has been {@link #taskDone() marked
 * done}.
 *
 * <p>Names: asyncio's {@code qsize}, {@code empty} and {@code full} are {@link #size()}, {@link
 * #isEmpty()} and {@link #isFull()}; {@code put_nowait}, {@code get_nowait} and {@code task_done}
 * are {@link #putNowait}, {@link #getNowait} and {@link #taskDone}.
 *
 * @param <T> the item type
 */
public interface Queue<T> {

  /**
   * Puts an item, waiting (FIFO with other putters) while the queue is full.
   *
   * @param item the item; {@code null} is refused
   * @return a future that completes once the item is in the queue (or handed to a getter); it
   *     fails with {@link QueueShutDownException} if the queue is or gets shut down first;
   *     cancelling it while it waits withdraws the put
   * @throws NullPointerException if the item is {@code null}
   * @throws IllegalStateException if called from another loop or thread
   */
  Future<Void> put(T item);

  /**
   * Puts an item without waiting.
   *
   * @param item the item; {@code null} is refused
   * @throws QueueFullException if the queue is full
   * @throws QueueShutDownException if the queue was shut down
   * @throws NullPointerException if the item is {@code null}
   */
  void putNowait(T item);

  /**
   * Takes an item, waiting (FIFO with other getters) while the queue is empty.
   *
   * @return a future of the item; it fails with {@link QueueShutDownException} if the queue is
   *     shut down and empty, or shut down immediately; cancelling it while it waits withdraws the
   *     get
   * @throws IllegalStateException if called from another loop or thread
   */
  Future<T> get();

  /**
   * Takes an item without waiting.
   *
   * @return the item
   * @throws QueueEmptyException if the queue is empty
   * @throws QueueShutDownException if the queue is empty and was shut down
   */
  T getNowait();

  /**
   * Marks one item taken from the queue as processed.
   *
   * @throws IllegalStateException if called more times than items were put ("taskDone() called
   *     too many times")
   */
  void taskDone();

  /**
   * Waits until every item put so far has been marked done with {@link #taskDone()}.
   *
   * @return a future completed when the count of unfinished items is zero (at once if it is)
   */
  Future<Void> join();

  /** {@link #shutdown(boolean)} without {@code immediate}: items already queued can still be got. */
  void shutdown();

  /**
   * Shuts the queue down: asyncio 3.13's {@code Queue.shutdown}. Puts fail from now on with {@link
   * QueueShutDownException}, and so do pending putters; getters fail once the queue is empty. With
   * {@code immediate}, the queued items are dropped (each counts as done for {@link #join()}), and
   * pending getters fail at once. Calling it again is allowed (a later immediate one drops the
   * items).
   *
   * @param immediate whether to drop the items still queued
   */
  void shutdown(boolean immediate);

  /**
   * Whether {@link #shutdown} was called.
   *
   * @return {@code true} once shut down
   */
  boolean isShutDown();

  /**
   * The number of items in the queue: asyncio's {@code qsize()}.
   *
   * @return how many items a get could take without waiting
   */
  int size();

  /**
   * The bound given at creation.
   *
   * @return the maximum number of items; zero or less means unbounded
   */
  int maxsize();

  /**
   * Whether the queue holds no item.
   *
   * @return {@code true} if a get would wait
   */
  boolean isEmpty();

  /**
   * Whether the queue holds {@link #maxsize()} items (never, when unbounded).
   *
   * @return {@code true} if a put would wait
   */
  boolean isFull();
}
