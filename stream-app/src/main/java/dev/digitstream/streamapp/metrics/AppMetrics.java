package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.ModelMetadata;
import dev.digitstream.streamapp.review.DriftMonitor;
import io.micrometer.core.instrument.MeterRegistry;

/** The application's own meters, bound to one registry. */
public record AppMetrics(
    FlowMetrics flow,
    BatchMetrics batches,
    AccuracyMetrics accuracy,
    ModelMetrics model,
    ReviewMetrics review) {

  /**
   * @param model the model started with
   * @param decision the model decision it was started on (0 for none)
   */
  public static AppMetrics bind(
      MeterRegistry registry, int maxBatch, int rollingWindow, ModelMetadata model, long decision) {
    AppMetrics metrics =
        new AppMetrics(
            new FlowMetrics(),
            new BatchMetrics(maxBatch),
            new AccuracyMetrics(rollingWindow),
            new ModelMetrics(model, decision),
            new ReviewMetrics(new DriftMonitor(System::currentTimeMillis)));
    metrics.flow.bindTo(registry);
    metrics.batches.bindTo(registry);
    metrics.accuracy.bindTo(registry);
    metrics.model.bindTo(registry);
    metrics.review.bindTo(registry);
    return metrics;
  }
}
