package dev.digitstream.trainer.calibration;

import dev.digitstream.model.Calibration;
import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.ConfidenceThreshold.Acceptance;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * A model's calibration as measured on one labelled set (the test set after training, any set in
 * {@code trainer evaluate}): the calibration error before and after its temperature, and what its
 * thresholds accept there.
 *
 * @param calibration the model's calibration, with its validation figures
 * @param setName what the set is called in the report, such as "test"
 * @param before the set's reliability diagram with the network's own confidences
 * @param after the same with calibrated confidences
 * @param riskCoverage the set's risk-coverage curve over calibrated confidences
 * @param accepted what each of {@code calibration.thresholds()} accepts on the set, in order
 */
public record CalibrationReport(
    Calibration calibration,
    String setName,
    ReliabilityDiagram before,
    ReliabilityDiagram after,
    RiskCoverage riskCoverage,
    List<Acceptance> accepted) {

  /** z of a two-sided 95 % interval. */
  private static final double Z95 = 1.959964;

  public static CalibrationReport of(Calibration calibration, ScoredSet set, String setName) {
    Outcomes calibrated = Outcomes.calibrated(set, calibration);
    RiskCoverage riskCoverage = RiskCoverage.of(calibrated);
    return new CalibrationReport(
        calibration,
        setName,
        ReliabilityDiagram.of(Outcomes.raw(set)),
        ReliabilityDiagram.of(calibrated),
        riskCoverage,
        calibration.thresholds().stream()
            .map(t -> riskCoverage.acceptance(t.confidence()))
            .toList());
  }

  /**
   * The Wilson score lower bound (95 %, two-sided) of the accuracy of {@code accepted} predictions
   * with {@code errors} among them: how low the accuracy could plausibly be. With no error it is
   * about {@code 1 - 3.84 / accepted}, so showing 99.99 % takes some 38,000 accepted predictions
   * without an error: more than any MNIST validation split holds.
   */
  static double accuracyLowerBound(long accepted, long errors) {
    if (accepted == 0) {
      return 0;
    }
    double n = accepted;
    double p = (accepted - errors) / n;
    double z2 = Z95 * Z95;
    double centre = p + z2 / (2 * n);
    double spread = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return (centre - spread) / (1 + z2 / n);
  }

  /** The report's lines, to follow the classification report. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    if (calibration.fitted()) {
      line(
          out,
          "calibration: temperature scaling fitted on %,d validation images",
          calibration.validationImages());
    } else {
      line(out, "calibration: none (no validation split, or a model from before calibration)");
    }
    line(out, "  temperature %.4f", calibration.temperature());
    line(out, "  expected calibration error (%d bins)  before   after", ReliabilityDiagram.BINS);
    if (calibration.fitted()) {
      line(
          out,
          "    %-33s %.4f  %.4f",
          "validation",
          calibration.validationEceBefore(),
          calibration.validationEceAfter());
    }
    line(out, "    %-33s %.4f  %.4f", setName, before.ece(), after.ece());
    if (calibration.thresholds().isEmpty()) {
      return out.toString();
    }
    line(out, "");
    line(
        out, "  thresholds: a prediction is accepted when its calibrated confidence >= threshold;");
    line(out, "  chosen on the validation split, measured on the %s set", setName);
    for (int i = 0; i < calibration.thresholds().size(); i++) {
      ConfidenceThreshold t = calibration.thresholds().get(i);
      Acceptance v = t.validation();
      if (!t.reached()) {
        line(
            out,
            "  target %s: no threshold reaches it on the %,d validation images; nothing is accepted",
            percent(t.targetAccuracy()),
            v.images());
        continue;
      }
      double lowerBound = accuracyLowerBound(v.accepted(), v.errors());
      line(out, "  target %s: threshold %.8f", percent(t.targetAccuracy()), t.confidence());
      line(
          out,
          "    %-10s %s, 95 %% lower bound %.3f %%",
          "validation",
          acceptance(v),
          100 * lowerBound);
      if (lowerBound < t.targetAccuracy()) {
        line(
            out,
            "      (%,d accepted validation images cannot show %s: the lower bound stays below it)",
            v.accepted(),
            percent(t.targetAccuracy()));
      }
      line(out, "    %-10s %s", setName, acceptance(accepted.get(i)));
    }
    return out.toString();
  }

  private static String acceptance(Acceptance a) {
    return String.format(
        Locale.ROOT,
        "accepted %,d of %,d (coverage %.2f %%), %,d error%s, accuracy %.3f %%",
        a.accepted(),
        a.images(),
        100 * a.coverage(),
        a.errors(),
        a.errors() == 1 ? "" : "s",
        100 * a.accuracy());
  }

  /** A target accuracy as the report names it: 0.999 is "99.9 %". */
  public static String percent(double target) {
    return BigDecimal.valueOf(target).movePointRight(2).stripTrailingZeros().toPlainString() + " %";
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }
}
