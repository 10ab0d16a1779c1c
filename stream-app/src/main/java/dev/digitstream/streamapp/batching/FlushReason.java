package dev.digitstream.streamapp.batching;

/** Why a batch went to inference. */
public enum FlushReason {
  /** The batch reached its maximum size. */
  SIZE,
  /** Its oldest image waited the maximum delay. */
  DELAY,
  /**
   * The latency target's choice ({@link FlushPolicy}): the size chosen for the arrival rate, or
   * waiting longer would make the first image miss the target.
   */
  TARGET,
  /** The application is shutting down and drains what it holds. */
  SHUTDOWN;

  /** The metric tag value. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
