package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.ModelMetadata;
import dev.digitstream.registry.RegistrySnapshot;
import dev.digitstream.registry.ShadowReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The served model: an info metric per version this instance has served (1 for the one it serves
 * now, 0 for earlier ones; facts as tags), its offline test accuracy, the model swaps, and the
 * sequence number of the decision it follows. The lifecycle: the state of every published version
 * as this replica sees it, this replica's figures for the version it scores in shadow, and whether
 * it is the decider.
 */
public final class ModelMetrics implements MeterBinder {

  public static final String MODEL_INFO = "digitstream.model.info";
  public static final String MODEL_TEST_ACCURACY = "digitstream.model.test.accuracy";
  public static final String MODEL_SWAPS = "digitstream.model.swaps";
  public static final String MODEL_DECISION = "digitstream.model.decision";
  public static final String MODEL_STATE = "digitstream.model.state";
  public static final String MODEL_DECIDER = "digitstream.model.decider";
  public static final String SHADOW_RECORDS = "digitstream.model.shadow.records";
  public static final String SHADOW_LABELLED = "digitstream.model.shadow.labelled";
  public static final String SHADOW_ACCURACY = "digitstream.model.shadow.accuracy";
  public static final String SHADOW_DISAGREEMENT = "digitstream.model.shadow.disagreement";

  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final AtomicLong decision = new AtomicLong();
  private final ModelMetadata initial;
  private final Map<String, Map<String, AtomicInteger>> states = new ConcurrentHashMap<>();
  private final List<Meter> shadowMeters = new ArrayList<>();
  private MeterRegistry registry;
  private Counter swaps;
  private volatile BooleanSupplier decider = () -> false;

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
    Gauge.builder(MODEL_DECIDER, () -> decider.getAsBoolean() ? 1 : 0)
        .description("1 when this replica decides for the application (docs/model-lifecycle.md)")
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

  /** Whether this replica is the decider now (never, until this is called). */
  public void bindDecider(BooleanSupplier decider) {
    this.decider = decider;
  }

  /** The state of each version as this replica sees it now: 1 for its state, 0 for the others. */
  public void states(Map<String, String> byVersion) {
    byVersion.forEach(
        (version, state) ->
            states
                .computeIfAbsent(version, this::registerStates)
                .forEach((s, flag) -> flag.set(s.equals(state) ? 1 : 0)));
  }

  private Map<String, AtomicInteger> registerStates(String version) {
    Map<String, AtomicInteger> flags = new ConcurrentHashMap<>();
    for (String state : RegistrySnapshot.STATES) {
      AtomicInteger flag = new AtomicInteger();
      Gauge.builder(MODEL_STATE, flag::get)
          .description("Lifecycle state of each published model version: 1 for its state")
          .tag("version", version)
          .tag("state", state)
          .register(registry);
      flags.put(state, flag);
    }
    return flags;
  }

  /**
   * The figures of the version scored in shadow from now on, replacing the previous ones.
   *
   * @param now this replica's figures, read at each scrape; null: nothing is scored in shadow
   */
  public synchronized void shadow(Supplier<ShadowReport> now) {
    shadowMeters.forEach(registry::remove);
    shadowMeters.clear();
    if (now == null) {
      return;
    }
    ShadowReport first = now.get();
    Tags tags = Tags.of("version", first.version(), "serving", first.serving());
    String accuracy = "Accuracy on the labelled records scored in shadow, of each model";
    shadowGauge(
        SHADOW_RECORDS,
        "Records scored in shadow by this replica, beside the serving model",
        tags,
        now,
        ShadowReport::scored);
    shadowGauge(SHADOW_LABELLED, "Labelled records among them", tags, now, ShadowReport::labelled);
    shadowGauge(
        SHADOW_ACCURACY,
        accuracy,
        tags.and("model", "shadow"),
        now,
        r -> ratio(r.shadowCorrect(), r.labelled()));
    shadowGauge(
        SHADOW_ACCURACY,
        accuracy,
        tags.and("model", "serving"),
        now,
        r -> ratio(r.servingCorrect(), r.labelled()));
    shadowGauge(
        SHADOW_DISAGREEMENT,
        "Share of the records scored in shadow on which the two models differ",
        tags,
        now,
        r -> ratio(r.disagreements(), r.scored()));
  }

  /** A gauge of the figures in shadow, each value from one consistent report. */
  private void shadowGauge(
      String name,
      String description,
      Tags tags,
      Supplier<ShadowReport> now,
      ToDoubleFunction<ShadowReport> value) {
    shadowMeters.add(
        Gauge.builder(name, () -> value.applyAsDouble(now.get()))
            .description(description)
            .tags(tags)
            .register(registry));
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
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
