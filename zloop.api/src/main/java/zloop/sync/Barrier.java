package zloop.sync;

import zloop.Future;

/**
 * A barrier for a fixed number of tasks or callbacks of one loop: asyncio's {@code Barrier}. Made
 * by {@link zloop.EventLoop#createBarrier(int)}.
 *
 * <p>Each {@link #await()} waits until {@link #parties()} waits are pending; then all of them
 * complete together, each with its own index, and the barrier is ready for the next round. {@link
 * #abort()} breaks it: pending and later waits fail with {@link BrokenBarrierException} until
 * {@link #reset()}.
 *
 * <p>Unlike asyncio's, the barrier has no draining phase: a round that filled is complete for all
 * its parties at once, so a {@link #reset()} or a cancellation that comes after the round filled
 * does not break it, and a wait that comes after it joins the next round at once. A party that is
 * cancelled before the round fills leaves it, and the indices are given out when the round fills,
 * in arrival order among the parties still there, so they are always 0 to {@code parties - 1}.
 */
public interface Barrier {

  /**
   * Waits for the barrier: asyncio's {@code Barrier.wait()}.
   *
   * @return a future completed, when the round fills, with this party's index (0 for the first to
   *     arrive, {@code parties - 1} for the last); it fails with {@link BrokenBarrierException} if
   *     the barrier is broken or is reset or aborted while it waits; cancelling it while it waits
   *     takes the party out of the round
   * @throws IllegalStateException if called from another loop or thread
   */
  Future<Integer> await();

  /**
   * Returns the barrier to its empty, unbroken state. Pending waits fail with {@link
   * BrokenBarrierException}.
   */
  void reset();

  /**
   * Breaks the barrier: pending waits and later ones fail with {@link BrokenBarrierException} until
   * {@link #reset()}.
   */
  void abort();

  /**
   * The number of parties a round needs.
   *
   * @return the parties given at creation
   */
  int parties();

  /**
   * The number of parties waiting in the current round: asyncio's {@code n_waiting}.
   *
   * @return how many waits are pending
   */
  int waiting();

  /**
   * Whether the barrier is broken.
   *
   * @return {@code true} after {@link #abort()}, until {@link #reset()}
   */
  boolean isBroken();
}
