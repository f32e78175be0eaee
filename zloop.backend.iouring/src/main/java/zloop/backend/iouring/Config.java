package zloop.backend.iouring;

/**
 * The sizes of one loop's ring and receive buffers, and for tests a hook on the ring's enters.
 *
 * @param sqEntries submission queue entries: a turn writing more submits early
 * @param cqEntries completion queue entries (the kernel keeps overflow, IORING_FEAT_NODROP)
 * @param bufferCount provided receive buffers (a power of two): how many multishot receives can
 *     complete between two deliveries before one has to be armed again
 * @param bufferSize bytes per provided buffer: the most one receive completion carries
 * @param completionsPerPoll the most completions one poll dispatches; the rest wait for the next
 * @param singleIssuer whether to try {@code IORING_SETUP_SINGLE_ISSUER} (and {@code
 *     DEFER_TASKRUN}): faster, but the loop must then always run on the thread that first polled
 * @param deferTaskrun whether a single-issuer ring tries {@code DEFER_TASKRUN} first ({@code
 *     false}: {@code COOP_TASKRUN} only, for testing both ways)
 * @param enterHook sees and answers every {@code io_uring_enter} of the ring, so tests can make it
 *     return errors this kernel never does; {@code null} (always, outside tests): none
 * @param bundles whether multishot receives ask for bundles ({@code IORING_RECVSEND_BUNDLE}) where
 *     the kernel has them (Linux 6.10): one completion then carries as many buffers as the bytes
 *     waiting fill, instead of one completion per buffer
 */
record Config(
    int sqEntries,
    int cqEntries,
    int bufferCount,
    int bufferSize,
    int completionsPerPoll,
    boolean singleIssuer,
    boolean deferTaskrun,
    Ring.EnterHook enterHook,
    boolean bundles) {

  Config(
      int sqEntries,
      int cqEntries,
      int bufferCount,
      int bufferSize,
      int completionsPerPoll,
      boolean singleIssuer,
      boolean deferTaskrun) {
    this(
        sqEntries,
        cqEntries,
        bufferCount,
        bufferSize,
        completionsPerPoll,
        singleIssuer,
        deferTaskrun,
        null,
        true);
  }

  Config(
      int sqEntries,
      int cqEntries,
      int bufferCount,
      int bufferSize,
      int completionsPerPoll,
      boolean singleIssuer) {
    this(sqEntries, cqEntries, bufferCount, bufferSize, completionsPerPoll, singleIssuer, true);
  }

  /** System property: {@code false} for a single-issuer ring without {@code DEFER_TASKRUN}. */
  static final String DEFER_TASKRUN_PROPERTY = "zloop.iouring.deferTaskrun";

  /** System property: {@code false} for a ring any thread may drive (see {@link #singleIssuer}). */
  static final String SINGLE_ISSUER_PROPERTY = "zloop.iouring.singleIssuer";

  /**
   * System property: submission queue entries (a power of two; the completion queue gets four
   * times as many). Small rings overflow under load, which the backend handles; tests use that.
   */
  static final String ENTRIES_PROPERTY = "zloop.iouring.entries";

  /** System property: how many provided receive buffers (a power of two). */
  static final String BUFFERS_PROPERTY = "zloop.iouring.buffers";

  /** System property: bytes per provided receive buffer. */
  static final String BUFFER_SIZE_PROPERTY = "zloop.iouring.bufferSize";

  /** System property: {@code false} for one completion per receive buffer even with bundles. */
  static final String BUNDLES_PROPERTY = "zloop.iouring.bundles";

  /** The smallest ring that proves io_uring works here, for the provider's status probe. */
  static final Config PROBE = new Config(8, 16, 1, 4096, 16, true);

  /** A loop's defaults: 8 MiB of receive buffers, overridable with the properties above. */
  static Config fromSystemProperties() {
    int entries = Integer.getInteger(ENTRIES_PROPERTY, 1024);
    if (Integer.bitCount(entries) != 1 || entries > 32768) {
      throw new IllegalArgumentException(
          "-D" + ENTRIES_PROPERTY + " must be a power of two <= 32768: " + entries);
    }
    return new Config(
        entries,
        entries * 4,
        Integer.getInteger(BUFFERS_PROPERTY, 256),
        Integer.getInteger(BUFFER_SIZE_PROPERTY, 32 * 1024),
        4096,
        !"false".equals(System.getProperty(SINGLE_ISSUER_PROPERTY)),
        !"false".equals(System.getProperty(DEFER_TASKRUN_PROPERTY)),
        null,
        !"false".equals(System.getProperty(BUNDLES_PROPERTY)));
  }

  /** This configuration with {@code hook} on every enter of the ring, for tests. */
  Config withEnterHook(Ring.EnterHook hook) {
    return with(hook, bundles);
  }

  /** This configuration with receive bundles asked for or not, for tests of both paths. */
  Config withBundles(boolean on) {
    return with(enterHook, on);
  }

  private Config with(Ring.EnterHook hook, boolean bundlesOn) {
    return new Config(
        sqEntries,
        cqEntries,
        bufferCount,
        bufferSize,
        completionsPerPoll,
        singleIssuer,
        deferTaskrun,
        hook,
        bundlesOn);
  }

  /** The setup rung to start from ({@link Ring#RUNGS}). */
  int firstRung() {
    if (!singleIssuer) {
      return Ring.FIRST_SHARED_RUNG;
    }
    return deferTaskrun ? 0 : 1;
  }
}
