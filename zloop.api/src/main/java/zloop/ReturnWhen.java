package zloop;

/** When {@link EventLoop#wait(java.util.Collection, ReturnWhen)} completes: asyncio's constants. */
public enum ReturnWhen {
  /** As soon as any future is done (completed, failed or cancelled). */
  FIRST_COMPLETED,
  /**
   * As soon as any future fails with an exception (a cancelled one does not count), or when all
   * are done.
   */
  FIRST_EXCEPTION,
  /** When every future is done. */
  ALL_COMPLETED
}
