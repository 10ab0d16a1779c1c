package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.ModelMetadata;
import io.micrometer.core.instrument.MeterRegistry;

/** The application's own meters, bound to one registry. */
public record AppMetrics(FlowMetrics flow, BatchMetrics batches, AccuracyMetrics accuracy) {

  public static AppMetrics bind(
      MeterRegistry registry, int maxBatch, int rollingWindow, ModelMetadata model) {
    AppMetrics metrics =
        new AppMetrics(
            new FlowMetrics(), new BatchMetrics(maxBatch), new AccuracyMetrics(rollingWindow));
    metrics.flow.bindTo(registry);
    metrics.batches.bindTo(registry);
    metrics.accuracy.bindTo(registry);
    new ModelMetrics(model).bindTo(registry);
    return metrics;
  }
}
