package dev.digitstream.streamapp.lifecycle;

import dev.digitstream.registry.ShadowReport;
import dev.digitstream.streamapp.lifecycle.Bounds.Interval;
import java.util.Locale;

/**
 * Judges a version in shadow from the replicas' summed figures (docs/model-lifecycle.md, "The
 * gate"). Pure: the same figures give the same verdict.
 *
 * <ul>
 *   <li>A <b>candidate</b> is promoted when, on at least {@code minRecords} labelled records, its
 *       accuracy reaches the floor and the lower bound of (candidate − serving) on the same records
 *       is at least −tolerance; it is rejected otherwise. With no labelled record among {@code
 *       minRecords} scored, it is promoted when its offline test accuracy reaches the floor and the
 *       upper bound of its disagreement rate with the serving version is at most {@code
 *       maxDisagreement}.
 *   <li>A <b>probation</b> (the replaced version in shadow after a promotion) ends in a rollback as
 *       soon as, on at least {@value #PROBATION_MIN_LABELLED} labelled records, the upper bound of
 *       the serving accuracy is below the floor, or the upper bound of (serving − previous) is
 *       below −tolerance: rolling back needs evidence, as promoting does. It ends in retiring the
 *       previous version after {@code probationRecords} labelled records (or scored ones, with no
 *       labels).
 * </ul>
 */
final class PromotionGate {

  /**
   * With labels this sparse (fewer than {@code minRecords} among this many times {@code minRecords}
   * scored), a candidate is judged by the label-free rule rather than waited on, at the full cost
   * of a shadow.
   */
  static final int SPARSE_LABELS_FACTOR = 10;

  /** Labelled records a probation needs before a rollback is considered. */
  static final int PROBATION_MIN_LABELLED = 200;

  enum Outcome {
    WAIT,
    PROMOTE,
    REJECT,
    ROLLBACK,
    RETIRE
  }

  /**
   * @param outcome what to do
   * @param reason the figures behind it, for the decision, the status and the event
   */
  record Verdict(Outcome outcome, String reason) {}

  private final GatePolicy policy;
  private final double z;

  PromotionGate(GatePolicy policy) {
    this.policy = policy;
    this.z = Bounds.z(policy.confidence());
  }

  /**
   * @param figures the candidate (shadow) against the serving version, summed over replicas
   * @param offlineAccuracy the candidate's test accuracy at training, from its manifest
   */
  Verdict candidate(ShadowReport figures, double offlineAccuracy) {
    long n = figures.labelled();
    if (n >= policy.minRecords()) {
      Interval shadow = Bounds.proportion(figures.shadowCorrect(), n, z);
      Interval serving = Bounds.proportion(figures.servingCorrect(), n, z);
      Interval diff =
          Bounds.pairedDifference(figures.shadowOnlyCorrect(), figures.servingOnlyCorrect(), n, z);
      String measured =
          format(
              "accuracy %.2f %% against the serving %.2f %% on the same %,d labelled records,"
                  + " difference %+.2f pp (%s lower bound %+.2f pp)",
              100 * shadow.value(),
              100 * serving.value(),
              n,
              100 * diff.value(),
              confidence(),
              100 * diff.lower());
      if (shadow.value() < policy.floor()) {
        return new Verdict(
            Outcome.REJECT,
            format("%s; below the floor of %.2f %%", measured, 100 * policy.floor()));
      }
      if (diff.lower() < -policy.tolerance()) {
        return new Verdict(
            Outcome.REJECT,
            format("%s; worse than the tolerance of -%.2f pp", measured, 100 * policy.tolerance()));
      }
      return new Verdict(Outcome.PROMOTE, measured);
    }
    boolean noLabels = figures.labelled() == 0 && figures.scored() >= policy.minRecords();
    boolean tooFewLabels = figures.scored() >= SPARSE_LABELS_FACTOR * policy.minRecords();
    if (noLabels || tooFewLabels) {
      Interval disagreement = Bounds.proportion(figures.disagreements(), figures.scored(), z);
      String measured =
          format(
              (noLabels ? "no labels" : "too few labels (%,d)".formatted(figures.labelled()))
                  + ": disagrees with the serving version on %.2f %% of %,d records (%s upper"
                  + " bound %.2f %%), test accuracy %.2f %%",
              100 * disagreement.value(),
              figures.scored(),
              confidence(),
              100 * disagreement.upper(),
              100 * offlineAccuracy);
      if (offlineAccuracy < policy.floor()) {
        return new Verdict(
            Outcome.REJECT,
            format("%s; test accuracy below the floor of %.2f %%", measured, 100 * policy.floor()));
      }
      if (disagreement.upper() > policy.maxDisagreement()) {
        return new Verdict(
            Outcome.REJECT,
            format("%s; above the most of %.2f %%", measured, 100 * policy.maxDisagreement()));
      }
      return new Verdict(Outcome.PROMOTE, measured);
    }
    return new Verdict(Outcome.WAIT, null);
  }

  /**
   * @param figures the replaced version (shadow) against the promoted one now serving, summed over
   *     replicas
   */
  Verdict probation(ShadowReport figures) {
    long n = figures.labelled();
    if (n >= PROBATION_MIN_LABELLED) {
      Interval serving = Bounds.proportion(figures.servingCorrect(), n, z);
      Interval previous = Bounds.proportion(figures.shadowCorrect(), n, z);
      Interval diff =
          Bounds.pairedDifference(figures.servingOnlyCorrect(), figures.shadowOnlyCorrect(), n, z);
      String measured =
          format(
              "serving accuracy %.2f %% (%s upper bound %.2f %%) against the previous version's"
                  + " %.2f %% on the same %,d labelled records, difference %+.2f pp (upper bound"
                  + " %+.2f pp)",
              100 * serving.value(),
              confidence(),
              100 * serving.upper(),
              100 * previous.value(),
              n,
              100 * diff.value(),
              100 * diff.upper());
      if (serving.upper() < policy.floor()) {
        return new Verdict(
            Outcome.ROLLBACK,
            format("%s; below the floor of %.2f %%", measured, 100 * policy.floor()));
      }
      if (diff.upper() < -policy.tolerance()) {
        return new Verdict(
            Outcome.ROLLBACK,
            format("%s; worse than the tolerance of -%.2f pp", measured, 100 * policy.tolerance()));
      }
      if (n >= policy.probationRecords()) {
        return new Verdict(Outcome.RETIRE, "probation passed: " + measured);
      }
    }
    if ((n == 0 && figures.scored() >= policy.probationRecords())
        || figures.scored() >= SPARSE_LABELS_FACTOR * policy.probationRecords()) {
      return new Verdict(
          Outcome.RETIRE,
          format("probation ended with %,d labelled records among %,d", n, figures.scored()));
    }
    return new Verdict(Outcome.WAIT, null);
  }

  private String confidence() {
    return format("%.0f %%", 100 * policy.confidence());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
