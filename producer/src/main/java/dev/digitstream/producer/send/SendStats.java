package dev.digitstream.producer.send;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a publishing run, updated by the sender and by the producer's callbacks. */
public final class SendStats {

  final LongAdder sent = new LongAdder();
  final LongAdder malformedSent = new LongAdder();
  final LongAdder acknowledged = new LongAdder();
  final LongAdder malformedAcknowledged = new LongAdder();
  final LongAdder errors = new LongAdder();
  final AtomicReference<String> firstError = new AtomicReference<>();

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

  /** Valid records the broker acknowledged: each must get one prediction. */
  public long validAcknowledged() {
    return acknowledged() - malformedAcknowledged();
  }

  public long errors() {
    return errors.sum();
  }

  /** The first send error, or null. */
  public String firstError() {
    return firstError.get();
  }
}
