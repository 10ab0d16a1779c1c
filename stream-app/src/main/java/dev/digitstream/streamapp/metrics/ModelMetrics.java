package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.ModelMetadata;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The loaded model as an info metric (value 1, facts as tags) and its offline test accuracy. */
public final class ModelMetrics implements MeterBinder {

  public static final String MODEL_INFO = "digitstream.model.info";
  public static final String MODEL_TEST_ACCURACY = "digitstream.model.test.accuracy";

  private final ModelMetadata metadata;

  public ModelMetrics(ModelMetadata metadata) {
    this.metadata = metadata;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(MODEL_INFO, () -> 1)
        .description("The model being served")
        .tag("version", metadata.versionId())
        .tag("recipe", metadata.recipe())
        .tag("architecture", metadata.architecture())
        .register(registry);
    Gauge.builder(MODEL_TEST_ACCURACY, metadata::testAccuracy)
        .description("Accuracy of the served model on the MNIST test set, measured at training")
        .tag("version", metadata.versionId())
        .register(registry);
  }
}
