package dev.digitstream.trainer.calibration;

import dev.digitstream.common.images.OutOfDistributionSets;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Triage;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How well the model's triage tells digits from what is not one: for each of the {@link
 * OutOfDistributionSets} against the MNIST test set, the AUROC of three scores, and the share the
 * triage sends to review. AUROC is the chance that a random image of the set scores higher than a
 * random test digit (ties count half): 1 separates perfectly, 0.5 not at all.
 *
 * <ul>
 *   <li>{@code ood}: the input-statistics score ({@link dev.digitstream.model.OutOfDistribution});
 *   <li>{@code 1-conf}: one minus the calibrated confidence;
 *   <li>{@code review}: the two combined as the triage applies them, each over its threshold,
 *       {@code max(ood / ood threshold, (1 - conf) / (1 - conf threshold))}: above 1 goes to
 *       review.
 * </ul>
 */
public record OutOfDistributionReport(Row digits, List<Row> sets) {

  /** Images scored per generated set (letters are always all 1,872 of theirs). */
  public static final int IMAGES_PER_SET = 2_000;

  /**
   * One set's figures.
   *
   * @param reviewed the share sent to review, by either reason
   * @param outOfDistribution the share sent as out of distribution
   */
  public record Row(
      String set,
      int images,
      double aurocOod,
      double aurocConfidence,
      double aurocReview,
      double reviewed,
      double outOfDistribution) {}

  private record Scores(
      double[] ood, double[] confidence, double[] review, double reviewed, double flagged) {}

  /**
   * @param digits the MNIST test set, already scored as {@code onDigits}
   */
  public static OutOfDistributionReport of(
      BatchClassifier classifier, Triage triage, LabelledImages digits, ScoredSet onDigits) {
    Scores reference = scores(triage, digits, onDigits);
    Row digitRow =
        new Row(
            "mnist-test", digits.count(), 0.5, 0.5, 0.5, reference.reviewed(), reference.flagged());
    List<Row> rows = new ArrayList<>();
    for (OutOfDistributionSets.Kind kind : OutOfDistributionSets.Kind.values()) {
      LabelledImages set =
          OutOfDistributionSets.of(
              kind, IMAGES_PER_SET, digits, OutOfDistributionSets.DEFAULT_SEED);
      Scores s = scores(triage, set, Evaluator.score(classifier, set));
      rows.add(
          new Row(
              kind.cliName(),
              set.count(),
              auroc(reference.ood(), s.ood()),
              auroc(reference.confidence(), s.confidence()),
              auroc(reference.review(), s.review()),
              s.reviewed(),
              s.flagged()));
    }
    return new OutOfDistributionReport(digitRow, rows);
  }

  private static Scores scores(Triage triage, LabelledImages images, ScoredSet scored) {
    int n = images.count();
    double[] ood = new double[n];
    double[] confidence = new double[n];
    double[] review = new double[n];
    int reviewed = 0;
    int flagged = 0;
    double oodThreshold = triage.outOfDistribution().threshold();
    double confidenceMargin = Math.max(1e-12, 1 - triage.threshold());
    for (int i = 0; i < n; i++) {
      Triage.Assessment a = triage.assess(images.image(i), scored.probabilities()[i]);
      ood[i] = a.outOfDistributionScore();
      confidence[i] = 1 - a.confidence();
      review[i] = Math.max(ood[i] / oodThreshold, confidence[i] / confidenceMargin);
      if (!a.accepted()) {
        reviewed++;
      }
      if (a.reason() == Triage.Reason.OUT_OF_DISTRIBUTION) {
        flagged++;
      }
    }
    return new Scores(ood, confidence, review, (double) reviewed / n, (double) flagged / n);
  }

  /** The Mann-Whitney AUROC: the chance an {@code out} score beats an {@code in} one, ties half. */
  static double auroc(double[] in, double[] out) {
    int total = in.length + out.length;
    Integer[] order = new Integer[total];
    double[] all = new double[total];
    System.arraycopy(in, 0, all, 0, in.length);
    System.arraycopy(out, 0, all, in.length, out.length);
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> all[i]));
    double outRankSum = 0;
    for (int i = 0; i < total; ) {
      int j = i;
      while (j + 1 < total && all[order[j + 1]] == all[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (order[t] >= in.length) {
          outRankSum += rank;
        }
      }
      i = j + 1;
    }
    double nOut = out.length;
    return (outRankSum - nOut * (nOut + 1) / 2) / (nOut * in.length);
  }

  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(
        "Out of distribution (AUROC against the MNIST test set; review share at the default threshold)\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%-12s %7s %8s %8s %8s %9s %9s%n",
            "set",
            "images",
            "ood",
            "1-conf",
            "review",
            "reviewed",
            "as-ood"));
    out.append(
        String.format(
            Locale.ROOT,
            "%-12s %7d %8s %8s %8s %8.2f%% %8.2f%%%n",
            digits.set(),
            digits.images(),
            "-",
            "-",
            "-",
            100 * digits.reviewed(),
            100 * digits.outOfDistribution()));
    for (Row r : sets) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-12s %7d %8.4f %8.4f %8.4f %8.2f%% %8.2f%%%n",
              r.set(),
              r.images(),
              r.aurocOod(),
              r.aurocConfidence(),
              r.aurocReview(),
              100 * r.reviewed(),
              100 * r.outOfDistribution()));
    }
    return out.toString();
  }
}
