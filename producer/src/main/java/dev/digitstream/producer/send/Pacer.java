package dev.digitstream.producer.send;

/**
 * Open-loop pacing: record {@code n} is due at {@code start + n / rate}, whatever happened to the
 * records before it. A sender that falls behind sends the overdue records at once instead of
 * shifting the schedule, and latency is measured from the due time, so a stall shows up as latency
 * instead of silently lowering the offered rate (no coordinated omission).
 */
public final class Pacer {

  private final double ratePerSecond;
  private final Clock clock;
  private long startNanos;
  private long startEpochMicros;

  /**
   * @param ratePerSecond records per second; 0 sends as fast as possible, each record due when it
   *     is sent
   */
  public Pacer(double ratePerSecond, Clock clock) {
    if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be 0 or positive, got " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    this.clock = clock;
  }

  /** Fixes the schedule's origin: record 0 is due now. */
  public void start() {
    startNanos = clock.nanoTime();
    startEpochMicros = clock.epochMicros();
  }

  /** When record {@code n} is due, in nanoseconds on the clock's monotonic scale. */
  public long dueNanos(long n) {
    return ratePerSecond == 0 ? clock.nanoTime() : startNanos + (long) (n * 1e9 / ratePerSecond);
  }

  /**
   * Waits until record {@code n} is due (not at all when it is overdue).
   *
   * @return its due time in microseconds since the epoch, the send time the record carries
   */
  public long awaitDue(long n) {
    long due = dueNanos(n);
    for (long wait = due - clock.nanoTime(); wait > 0; wait = due - clock.nanoTime()) {
      clock.sleep(wait);
    }
    return startEpochMicros + (due - startNanos) / 1_000;
  }

  /** Nanoseconds since {@link #start}. */
  public long elapsedNanos() {
    return clock.nanoTime() - startNanos;
  }
}
