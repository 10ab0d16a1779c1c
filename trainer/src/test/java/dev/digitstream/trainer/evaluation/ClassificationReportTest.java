package dev.digitstream.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationReportTest {

  /** Two classes for readability: 8 actual 0s (6 right), 4 actual 1s (3 right). */
  private static final int[][] CONFUSION = {{6, 2}, {1, 3}};

  @Test
  void shouldComputeScikitLearnScores() {
    ClassificationReport report = ClassificationReport.of(new Evaluation(CONFUSION, 0.5, 1));

    var zero = report.classes().get(0);
    assertThat(zero.precision()).isCloseTo(6.0 / 7, within(1e-12));
    assertThat(zero.recall()).isCloseTo(6.0 / 8, within(1e-12));
    assertThat(zero.f1()).isCloseTo(2 * (6.0 / 7) * 0.75 / (6.0 / 7 + 0.75), within(1e-12));
    assertThat(zero.support()).isEqualTo(8);
    var one = report.classes().get(1);
    assertThat(one.precision()).isCloseTo(3.0 / 5, within(1e-12));
    assertThat(one.recall()).isCloseTo(3.0 / 4, within(1e-12));
    assertThat(report.accuracy()).isCloseTo(9.0 / 12, within(1e-12));
    assertThat(report.macroAverage().recall()).isCloseTo(0.75, within(1e-12));
    assertThat(report.weightedAverage().precision())
        .isCloseTo((6.0 / 7) * 8 / 12 + (3.0 / 5) * 4 / 12, within(1e-12));
  }

  @Test
  void shouldScoreZeroWhereARatioIsUndefined() {
    int[][] neverPredictsOne = {{5, 0}, {3, 0}};

    var one = ClassificationReport.of(new Evaluation(neverPredictsOne, 1, 1)).classes().get(1);

    assertThat(one.precision()).isZero();
    assertThat(one.f1()).isZero();
  }

  @Test
  void shouldLayOutTheTextLikeTheTutorial() {
    String text = ClassificationReport.of(new Evaluation(CONFUSION, 0.5, 1)).toText();

    assertThat(text)
        .contains("precision     recall   f1-score    support")
        .containsPattern("\\s+0\\s+0\\.8571\\s+0\\.7500\\s+0\\.8000\\s+8")
        .containsPattern("accuracy\\s+0\\.7500\\s+12")
        .contains("macro avg")
        .contains("weighted avg");
  }
}
