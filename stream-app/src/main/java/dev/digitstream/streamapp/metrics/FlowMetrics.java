package dev.digitstream.streamapp.metrics;

import dev.digitstream.contract.InvalidReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What flows through: records in, predictions out, dead letters by reason, end-to-end latency. */
public final class FlowMetrics implements MeterBinder {

  public static final String RECORDS_IN = "digitstream.records.in";
  public static final String PREDICTIONS_OUT = "digitstream.predictions.out";
  public static final String REVIEWS_OUT = "digitstream.reviews.out";
  public static final String DEAD_LETTERS = "digitstream.dead.letters";
  public static final String END_TO_END_LATENCY = "digitstream.end.to.end.latency";
  public static final String PENDING_RESTORED = "digitstream.pending.restored";
  public static final String PENDING_STORED = "digitstream.pending.stored";

  private Counter recordsIn;
  private Counter predictionsOut;
  private Counter reviewsOut;
  private final Map<InvalidReason, Counter> deadLetters = new EnumMap<>(InvalidReason.class);
  private Timer endToEnd;
  private Counter restored;

  @Override
  public void bindTo(MeterRegistry registry) {
    recordsIn = Counter.builder(RECORDS_IN).description("Input records read").register(registry);
    predictionsOut =
        Counter.builder(PREDICTIONS_OUT).description("Predictions emitted").register(registry);
    reviewsOut =
        Counter.builder(REVIEWS_OUT)
            .description("Records sent to the review topic instead of a prediction")
            .register(registry);
    for (InvalidReason reason : InvalidReason.values()) {
      deadLetters.put(
          reason,
          Counter.builder(DEAD_LETTERS)
              .description("Invalid records sent to the dead-letter topic")
              .tag("reason", reason.code())
              .register(registry));
    }
    endToEnd =
        Timer.builder(END_TO_END_LATENCY)
            .description("From the input record's timestamp to the emission of its prediction")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    restored =
        Counter.builder(PENDING_RESTORED)
            .description(
                "Records found in a restored pending store and classified again (after a crash,"
                    + " a rebalance or a revived task; under at-least-once each may be a duplicate)")
            .register(registry);
  }

  /** A gauge of the records of this instance awaiting their prediction. */
  public static void bindStored(MeterRegistry registry, Supplier<Number> stored) {
    Gauge.builder(PENDING_STORED, stored)
        .description(
            "Records of this instance awaiting their prediction (in its pending stores once a"
                + " commit has passed)")
        .register(registry);
  }

  public void recordIn() {
    recordsIn.increment();
  }

  public void deadLettered(InvalidReason reason) {
    deadLetters.get(reason).increment();
  }

  public void restored(long records) {
    restored.increment(records);
  }

  public void predictionOut(long latencyMs) {
    predictionsOut.increment();
    endToEnd.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }

  /** A record sent to review instead of a prediction; its latency counts like a prediction's. */
  public void reviewOut(long latencyMs) {
    reviewsOut.increment();
    endToEnd.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }
}
