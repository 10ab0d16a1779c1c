package dev.digitstream.streamapp.metrics;

import dev.digitstream.model.Triage;
import dev.digitstream.streamapp.review.DriftMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * What triage did and how the traffic drifts: records by outcome (accepted, or the review reason),
 * labelled and correct records by whether they were accepted or reviewed, and the {@link
 * DriftMonitor}'s figures as gauges. The auto-accept rate and both accuracies are ratios of these
 * counters (docs/stream-app.md has the queries). Nothing is counted when review is off.
 */
public final class ReviewMetrics implements MeterBinder {

  public static final String TRIAGE = "digitstream.triage.records";
  public static final String LABELLED = "digitstream.triage.labelled";
  public static final String CORRECT = "digitstream.triage.correct";
  public static final String DRIFT_PSI = "digitstream.drift.psi";
  public static final String DRIFT_OOD_SHARE = "digitstream.drift.ood.share";
  public static final String DRIFT_RECORDS = "digitstream.drift.records";

  private static final String ACCEPTED = "accepted";
  private static final String REVIEWED = "reviewed";

  private final DriftMonitor drift;
  private Counter accepted;
  private Counter lowConfidence;
  private Counter outOfDistribution;
  private Counter labelledAccepted;
  private Counter labelledReviewed;
  private Counter correctAccepted;
  private Counter correctReviewed;

  public ReviewMetrics(DriftMonitor drift) {
    this.drift = drift;
  }

  public DriftMonitor drift() {
    return drift;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    accepted = outcome(registry, ACCEPTED);
    lowConfidence = outcome(registry, Triage.Reason.LOW_CONFIDENCE.code());
    outOfDistribution = outcome(registry, Triage.Reason.OUT_OF_DISTRIBUTION.code());
    labelledAccepted = labelled(registry, LABELLED, ACCEPTED, "Labelled records");
    labelledReviewed = labelled(registry, LABELLED, REVIEWED, "Labelled records");
    correctAccepted =
        labelled(registry, CORRECT, ACCEPTED, "Labelled records whose predicted digit is right");
    correctReviewed =
        labelled(registry, CORRECT, REVIEWED, "Labelled records whose predicted digit is right");
    Gauge.builder(DRIFT_PSI, drift, d -> d.figures().digitPsi())
        .description("Population stability index against the model's baseline, last 5 minutes")
        .tag("distribution", "digit")
        .register(registry);
    Gauge.builder(DRIFT_PSI, drift, d -> d.figures().confidencePsi())
        .description("Population stability index against the model's baseline, last 5 minutes")
        .tag("distribution", "confidence")
        .register(registry);
    Gauge.builder(DRIFT_OOD_SHARE, drift, d -> d.figures().oodShare())
        .description("Share of records out of distribution, last 5 minutes")
        .register(registry);
    Gauge.builder(DRIFT_RECORDS, drift, d -> d.figures().records())
        .description("Records classified in the last 5 minutes (the drift figures' sample)")
        .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder(TRIAGE)
        .description("Classified records by triage outcome: accepted, or the review reason")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter labelled(
      MeterRegistry registry, String name, String outcome, String description) {
    return Counter.builder(name)
        .description(description + ", by whether they were accepted or sent to review")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * One record's triage.
   *
   * @param routed whether it went to review
   * @param actual its label, or -1
   */
  public void triaged(Triage.Assessment assessment, boolean routed, int predicted, int actual) {
    (assessment.accepted()
            ? accepted
            : assessment.reason() == Triage.Reason.LOW_CONFIDENCE
                ? lowConfidence
                : outOfDistribution)
        .increment();
    if (actual >= 0) {
      (routed ? labelledReviewed : labelledAccepted).increment();
      if (actual == predicted) {
        (routed ? correctReviewed : correctAccepted).increment();
      }
    }
  }
}
