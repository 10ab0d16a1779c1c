package dev.digitstream.streamapp.metrics;

import dev.digitstream.contract.InvalidReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What flows through: records in, predictions out, dead letters by reason, end-to-end latency. */
public final class FlowMetrics implements MeterBinder {

  public static final String RECORDS_IN = "digitstream.records.in";
  public static final String PREDICTIONS_OUT = "digitstream.predictions.out";
  public static final String DEAD_LETTERS = "digitstream.dead.letters";
  public static final String END_TO_END_LATENCY = "digitstream.end.to.end.latency";

  private Counter recordsIn;
  private Counter predictionsOut;
  private final Map<InvalidReason, Counter> deadLetters = new EnumMap<>(InvalidReason.class);
  private Timer endToEnd;

  @Override
  public void bindTo(MeterRegistry registry) {
    recordsIn = Counter.builder(RECORDS_IN).description("Input records read").register(registry);
    predictionsOut =
        Counter.builder(PREDICTIONS_OUT).description("Predictions emitted").register(registry);
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
  }

  public void recordIn() {
    recordsIn.increment();
  }

  public void deadLettered(InvalidReason reason) {
    deadLetters.get(reason).increment();
  }

  public void predictionOut(long latencyMs) {
    predictionsOut.increment();
    endToEnd.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }
}
