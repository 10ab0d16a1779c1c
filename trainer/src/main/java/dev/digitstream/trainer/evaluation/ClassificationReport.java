package dev.digitstream.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-class precision, recall, F1 and support, with macro and support-weighted averages: the report
 * of the Keras tutorial (scikit-learn's {@code classification_report}, whose convention of 0 for an
 * undefined ratio it follows).
 */
public record ClassificationReport(
    List<ClassScores> classes,
    double accuracy,
    long support,
    Scores macroAverage,
    Scores weightedAverage,
    double loss) {

  /** Scores of one digit. */
  public record ClassScores(
      String label, double precision, double recall, double f1, long support) {}

  /** Averaged scores. */
  public record Scores(double precision, double recall, double f1) {}

  public static ClassificationReport of(Evaluation evaluation) {
    int[][] m = evaluation.confusion();
    int k = m.length;
    List<ClassScores> classes = new ArrayList<>(k);
    double[] macro = new double[3];
    double[] weighted = new double[3];
    long total = evaluation.total();
    for (int c = 0; c < k; c++) {
      long truePositive = m[c][c];
      long actual = 0;
      long predicted = 0;
      for (int j = 0; j < k; j++) {
        actual += m[c][j];
        predicted += m[j][c];
      }
      double precision = ratio(truePositive, predicted);
      double recall = ratio(truePositive, actual);
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      classes.add(new ClassScores(Integer.toString(c), precision, recall, f1, actual));
      double[] s = {precision, recall, f1};
      for (int i = 0; i < 3; i++) {
        macro[i] += s[i] / k;
        weighted[i] += total == 0 ? 0 : s[i] * actual / total;
      }
    }
    return new ClassificationReport(
        classes,
        evaluation.accuracy(),
        total,
        new Scores(macro[0], macro[1], macro[2]),
        new Scores(weighted[0], weighted[1], weighted[2]),
        evaluation.loss());
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  /** The report as text, laid out like scikit-learn's. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%12s %10s %10s %10s %10s%n%n",
            "",
            "precision",
            "recall",
            "f1-score",
            "support"));
    for (ClassScores c : classes) {
      out.append(
          String.format(
              Locale.ROOT,
              "%12s %10.4f %10.4f %10.4f %10d%n",
              c.label(),
              c.precision(),
              c.recall(),
              c.f1(),
              c.support()));
    }
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT, "%12s %10s %10s %10.4f %10d%n", "accuracy", "", "", accuracy, support));
    out.append(row("macro avg", macroAverage));
    out.append(row("weighted avg", weightedAverage));
    out.append(String.format(Locale.ROOT, "%n%12s %10.4f%n", "loss", loss));
    return out.toString();
  }

  private String row(String name, Scores s) {
    return String.format(
        Locale.ROOT,
        "%12s %10.4f %10.4f %10.4f %10d%n",
        name,
        s.precision(),
        s.recall(),
        s.f1(),
        support);
  }
}
