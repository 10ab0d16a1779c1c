package dev.digitstream.producer.send;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a publishing run, updated by the sender and by the producer's callbacks, and the
 * numbers of the records the broker acknowledged: the identity of what the pipeline must account
 * for, which counts alone cannot give (a send error on one record and the loss of another leave the
 * counts even).
 */
public final class SendStats {

  final LongAdder sent = new LongAdder();
  final LongAdder malformedSent = new LongAdder();
  final LongAdder acknowledged = new LongAdder();
  final LongAdder malformedAcknowledged = new LongAdder();
  final LongAdder errors = new LongAdder();
  final AtomicReference<String> firstError = new AtomicReference<>();

  // Set from the producer's I/O thread and read as a snapshot, so the lock is hardly ever
  // contended: a few tens of nanoseconds per acknowledgement.
  private final BitSet acknowledgedRecords = new BitSet();

  /** Counts record {@code n} as acknowledged by the broker. */
  void acknowledge(long n, boolean malformed) {
    // Record numbers beyond int range (6 hours at 100,000/s) cannot be verified; the verifier
    // ignores their keys too.
    if (n < Integer.MAX_VALUE) {
      synchronized (acknowledgedRecords) {
        acknowledgedRecords.set((int) n);
      }
    }
    acknowledged.increment();
    if (malformed) {
      malformedAcknowledged.increment();
    }
  }

  /** Counts a send the broker did not acknowledge; the record is not expected downstream. */
  void fail(Exception error) {
    errors.increment();
    firstError.compareAndSet(null, error.toString());
  }

  public long sent() {
    return sent.sum();
  }

  public long malformedSent() {
    return malformedSent.sum();
  }

  public long acknowledged() {
    return acknowledged.sum();
  }

  /** Malformed records the broker acknowledged: each must reach the dead-letter topic. */
  public long malformedAcknowledged() {
    return malformedAcknowledged.sum();
  }

  /**
   * A copy of the numbers of the records acknowledged so far; complete once the run has flushed.
   */
  public BitSet acknowledgedRecords() {
    synchronized (acknowledgedRecords) {
      return (BitSet) acknowledgedRecords.clone();
    }
  }

  public long errors() {
    return errors.sum();
  }

  /** The first send error, or null. */
  public String firstError() {
    return firstError.get();
  }
}
