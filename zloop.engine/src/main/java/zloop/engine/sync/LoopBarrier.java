package zloop.engine.sync;

import java.util.ArrayList;
import java.util.List;
import zloop.Future;
import zloop.engine.Loop;
import zloop.sync.Barrier;
import zloop.sync.BrokenBarrierException;

/**
 * asyncio's {@code Barrier}, as two states (filling, broken) instead of asyncio's four: the round
 * that fills completes every party at once, so there is no draining phase to wait out.
 */
final class LoopBarrier extends Primitive implements Barrier {
  private final int parties;
  private final List<Grant<Integer>> round = new ArrayList<>();
  private boolean broken;

  LoopBarrier(Loop loop, int parties) {
    super(loop);
    if (parties < 1) {
      throw new IllegalArgumentException("parties must be >= 1, not " + parties);
    }
    this.parties = parties;
  }

  @Override
  public Future<Integer> await() {
    checkLoop();
    if (broken) {
      return failed(new BrokenBarrierException("Barrier aborted"));
    }
    int index = round.size();
    if (index + 1 < parties) {
      Grant<Integer> g = new Grant<>(loop, this);
      round.add(g);
      return g;
    }
    List<Grant<Integer>> filled = List.copyOf(round);
    round.clear();
    for (int i = 0; i < filled.size(); i++) {
      filled.get(i).grant(i);
    }
    return completed(index);
  }

  @Override
  public void reset() {
    checkLoop();
    broken = false;
    breakRound("Abort or reset of barrier");
  }

  @Override
  public void abort() {
    checkLoop();
    broken = true;
    breakRound("Barrier aborted");
  }

  private void breakRound(String why) {
    List<Grant<Integer>> waiting = List.copyOf(round);
    round.clear();
    for (Grant<Integer> g : waiting) {
      g.tryFail(new BrokenBarrierException(why));
    }
  }

  @Override
  public int parties() {
    return parties;
  }

  @Override
  public int waiting() {
    return round.size();
  }

  @Override
  public boolean isBroken() {
    return broken;
  }

  @Override
  public void withdrawn(Grant<?> grant) {
    round.remove(grant); // a party cancelled before the round filled leaves it
  }

  @Override
  public String toString() {
    return broken ? "Barrier[broken]" : "Barrier[filling, waiters:" + round.size() + "/" + parties + "]";
  }
}
