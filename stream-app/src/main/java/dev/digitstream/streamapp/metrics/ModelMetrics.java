package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.ModelMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The served model: an info metric per version this instance has served (1 for the one it serves
 * now, 0 for earlier ones; facts as tags), its offline test accuracy, the model swaps, and the
 * sequence number of the decision it follows.
 */
public final class ModelMetrics implements MeterBinder {

  public static final String MODEL_INFO = "digitstream.model.info";
  public static final String MODEL_TEST_ACCURACY = "digitstream.model.test.accuracy";
  public static final String MODEL_SWAPS = "digitstream.model.swaps";
  public static final String MODEL_DECISION = "digitstream.model.decision";

  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final AtomicLong decision = new AtomicLong();
  private final ModelMetadata initial;
  private MeterRegistry registry;
  private Counter swaps;

  /**
   * @param initial the model started with
   * @param sequence the decision it was started on (0 when none: MODEL_PATH)
   */
  public ModelMetrics(ModelMetadata initial, long sequence) {
    this.initial = initial;
    decision.set(sequence);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    swaps =
        Counter.builder(MODEL_SWAPS)
            .description("Times this instance switched to another model after a decision")
            .register(registry);
    Gauge.builder(MODEL_DECISION, decision::get)
        .description("Sequence number of the model decision this instance follows (0: none)")
        .register(registry);
    register(initial);
  }

  /** Decision {@code sequence} is followed, and named the model already served. */
  public void followed(long sequence) {
    decision.set(sequence);
  }

  /** From now on {@code model} is served, by decision {@code sequence}. */
  public void served(ModelMetadata model, long sequence) {
    served.values().forEach(flag -> flag.set(0));
    register(model);
    decision.set(sequence);
    swaps.increment();
  }

  private void register(ModelMetadata model) {
    served
        .computeIfAbsent(
            model.versionId(),
            version -> {
              AtomicInteger flag = new AtomicInteger();
              Gauge.builder(MODEL_INFO, flag::get)
                  .description("The model versions served: 1 for the current one")
                  .tag("version", version)
                  .tag("recipe", model.recipe())
                  .tag("architecture", model.architecture())
                  .register(registry);
              Gauge.builder(MODEL_TEST_ACCURACY, model::testAccuracy)
                  .description("Accuracy of a served model on the MNIST test set, at training")
                  .tag("version", version)
                  .register(registry);
              return flag;
            })
        .set(1);
  }
}
