package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.batching.FlushReason;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Micro-batches: size distribution by flush reason, and the time of each step of a batch
 * (preprocess, inference, postprocess) plus inference time per image.
 */
public final class BatchMetrics implements MeterBinder {

  public static final String BATCH_SIZE = "digitstream.batch.size";
  public static final String BATCH_DURATION = "digitstream.batch.duration";
  public static final String INFERENCE_IMAGE_DURATION = "digitstream.inference.image.duration";
  public static final String PENDING = "digitstream.batch.pending";

  private final int maxBatch;
  private final Map<FlushReason, DistributionSummary> sizes = new EnumMap<>(FlushReason.class);
  private Timer preprocess;
  private Timer inference;
  private Timer postprocess;
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
    perImage =
        Timer.builder(INFERENCE_IMAGE_DURATION)
            .description("Inference time per image (batch inference time / batch size)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofMillis(100))
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

  public void batch(FlushReason reason, int size, BatchClassifier.Result result) {
    sizes.get(reason).record(size);
    preprocess.record(result.preprocessNanos(), TimeUnit.NANOSECONDS);
    inference.record(result.inferenceNanos(), TimeUnit.NANOSECONDS);
    postprocess.record(result.postprocessNanos(), TimeUnit.NANOSECONDS);
    perImage.record(result.inferenceNanos() / size, TimeUnit.NANOSECONDS);
  }
}
