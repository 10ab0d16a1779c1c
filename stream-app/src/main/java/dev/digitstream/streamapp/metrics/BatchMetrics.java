package dev.digitstream.streamapp.metrics;

import dev.digitstream.contract.Prediction;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.batching.FlushReason;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Micro-batches: size distribution by flush reason, and the time of each step of a batch
 * (preprocess, inference, postprocess, and shadow inference when a model is scored in shadow) plus
 * inference time per image; the confidences of both models on the batches scored in shadow.
 */
public final class BatchMetrics implements MeterBinder {

  public static final String BATCH_SIZE = "digitstream.batch.size";
  public static final String BATCH_DURATION = "digitstream.batch.duration";
  public static final String SHADOW_CONFIDENCE = "digitstream.model.shadow.confidence";
  public static final String INFERENCE_IMAGE_DURATION = "digitstream.inference.image.duration";
  public static final String PENDING = "digitstream.batch.pending";

  private final int maxBatch;
  private final Map<FlushReason, DistributionSummary> sizes = new EnumMap<>(FlushReason.class);
  private Timer preprocess;
  private Timer inference;
  private Timer postprocess;
  private Timer shadow;
  private DistributionSummary servingConfidence;
  private DistributionSummary shadowConfidence;
  private Timer perImage;

  public BatchMetrics(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    double[] slos = sizeBuckets(maxBatch);
    for (FlushReason reason : FlushReason.values()) {
      sizes.put(
          reason,
          DistributionSummary.builder(BATCH_SIZE)
              .description("Images per inference batch, by what flushed the batch")
              .tag("reason", reason.tag())
              .serviceLevelObjectives(slos)
              .register(registry));
    }
    preprocess = stepTimer(registry, "preprocess");
    inference = stepTimer(registry, "inference");
    postprocess = stepTimer(registry, "postprocess");
    shadow = stepTimer(registry, "shadow");
    servingConfidence = confidence(registry, "serving");
    shadowConfidence = confidence(registry, "shadow");
    perImage =
        Timer.builder(INFERENCE_IMAGE_DURATION)
            .description("Inference time per image (batch inference time / batch size)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofMillis(100))
            .register(registry);
  }

  private static DistributionSummary confidence(MeterRegistry registry, String model) {
    return DistributionSummary.builder(SHADOW_CONFIDENCE)
        .description(
            "Confidence of the serving model and of the model in shadow on the batches scored in"
                + " shadow")
        .tag("model", model)
        .serviceLevelObjectives(0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
        .register(registry);
  }

  private static Timer stepTimer(MeterRegistry registry, String step) {
    return Timer.builder(BATCH_DURATION)
        .description("Time of one step of a batch")
        .tag("step", step)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
  }

  /** A gauge of the images waiting for inference on all stream threads. */
  public static void bindPending(MeterRegistry registry, java.util.function.IntSupplier pending) {
    io.micrometer.core.instrument.Gauge.builder(PENDING, pending::getAsInt)
        .description("Images waiting in micro-batches for inference")
        .register(registry);
  }

  /** Bucket bounds 1, 2, 4, ... up to and including {@code max}. */
  static double[] sizeBuckets(int max) {
    java.util.List<Double> bounds = new java.util.ArrayList<>();
    for (int b = 1; b < max; b *= 2) {
      bounds.add((double) b);
    }
    bounds.add((double) max);
    return bounds.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The inference of a version in shadow on one batch, after the serving model's, and the
   * confidences of both.
   */
  public void shadowBatch(long nanos, List<Prediction> serving, List<Prediction> shadowed) {
    shadow.record(nanos, TimeUnit.NANOSECONDS);
    serving.forEach(p -> servingConfidence.record(p.confidence()));
    shadowed.forEach(p -> shadowConfidence.record(p.confidence()));
  }

  public void batch(FlushReason reason, int size, BatchClassifier.Result result) {
    sizes.get(reason).record(size);
    preprocess.record(result.preprocessNanos(), TimeUnit.NANOSECONDS);
    inference.record(result.inferenceNanos(), TimeUnit.NANOSECONDS);
    postprocess.record(result.postprocessNanos(), TimeUnit.NANOSECONDS);
    perImage.record(result.inferenceNanos() / size, TimeUnit.NANOSECONDS);
  }
}
