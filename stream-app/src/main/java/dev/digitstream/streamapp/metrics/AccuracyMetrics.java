package dev.digitstream.streamapp.metrics;

import dev.digitstream.contract.ImageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Prediction quality: the confidence of every prediction, and for labelled records the confusion
 * matrix (counters by actual and predicted digit), correct and total counts, and the accuracy of
 * the last N labelled predictions.
 */
public final class AccuracyMetrics implements MeterBinder {

  public static final String CONFIDENCE = "digitstream.prediction.confidence";
  public static final String LABELLED = "digitstream.labelled.predictions";
  public static final String CORRECT = "digitstream.labelled.correct";
  public static final String CONFUSION = "digitstream.confusion";
  public static final String ROLLING_ACCURACY = "digitstream.accuracy.rolling";

  private final RollingAccuracy rolling;
  private DistributionSummary confidence;
  private Counter labelled;
  private Counter correct;
  private final Counter[][] confusion = new Counter[ImageRecord.CLASSES][ImageRecord.CLASSES];

  public AccuracyMetrics(int rollingWindow) {
    this.rolling = new RollingAccuracy(rollingWindow);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    confidence =
        DistributionSummary.builder(CONFIDENCE)
            .description("Probability of the predicted digit")
            .serviceLevelObjectives(0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
            .register(registry);
    labelled =
        Counter.builder(LABELLED)
            .description("Predictions of records with a label")
            .register(registry);
    correct =
        Counter.builder(CORRECT)
            .description("Predictions that matched their label")
            .register(registry);
    for (int actual = 0; actual < ImageRecord.CLASSES; actual++) {
      for (int predicted = 0; predicted < ImageRecord.CLASSES; predicted++) {
        confusion[actual][predicted] =
            Counter.builder(CONFUSION)
                .description("Labelled predictions by actual and predicted digit")
                .tag("actual", Integer.toString(actual))
                .tag("predicted", Integer.toString(predicted))
                .register(registry);
      }
    }
    Gauge.builder(ROLLING_ACCURACY, rolling, RollingAccuracy::accuracy)
        .description("Accuracy of the last " + rolling.window() + " labelled predictions")
        .register(registry);
  }

  /**
   * @param actual the label, or -1 when the record had none
   */
  public void prediction(int predicted, float confidenceValue, int actual) {
    confidence.record(confidenceValue);
    if (actual >= 0) {
      labelled.increment();
      confusion[actual][predicted].increment();
      boolean right = actual == predicted;
      if (right) {
        correct.increment();
      }
      rolling.add(right);
    }
  }
}
