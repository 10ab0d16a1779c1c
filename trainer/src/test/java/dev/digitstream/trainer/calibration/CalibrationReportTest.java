package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.model.Calibration;
import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.ConfidenceThreshold.Acceptance;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationReportTest {

  @Test
  void shouldBoundTheAccuracyOfFewAcceptedPredictionsHonestly() {
    // no error in 6,000: about 1 - 3.84 / 6,000, far from 99.99 %
    assertThat(CalibrationReport.accuracyLowerBound(6_000, 0))
        .isCloseTo(1 - 3.8415 / 6_003.84, within(1e-6))
        .isLessThan(0.9999);
    assertThat(CalibrationReport.accuracyLowerBound(100, 50)).isCloseTo(0.4038, within(1e-4));
    assertThat(CalibrationReport.accuracyLowerBound(0, 0)).isZero();
  }

  @Test
  void shouldReportEachTargetOnValidationAndOnTheSet() {
    ScoredSet validation = SyntheticScores.draw(20_000, 1.5, 21);
    ScoredSet test = SyntheticScores.draw(10_000, 1.5, 22);
    Calibration calibration = Calibrator.fit(validation, test);

    CalibrationReport report = CalibrationReport.of(calibration, test, "test");

    assertThat(report.after().ece()).isLessThan(report.before().ece());
    assertThat(report.accepted())
        .containsExactlyElementsOf(
            calibration.thresholds().stream().map(ConfidenceThreshold::test).toList());
    assertThat(report.toText())
        .contains("fitted on 20,000 validation images")
        .containsPattern("temperature 1\\.\\d{4}")
        .contains("target 99.9 %: threshold 0.")
        .contains("target 99.99 %")
        .containsPattern("validation +accepted [\\d,]+ of 20,000")
        .containsPattern("test +accepted [\\d,]+ of 10,000");
  }

  @Test
  void shouldSayWhenATargetIsOutOfReachOrCannotBeShown() {
    Calibration calibration =
        new Calibration(
            1.2,
            6_000,
            0.02,
            0.01,
            List.of(
                new ConfidenceThreshold(
                    0.9999,
                    0.9999,
                    new Acceptance(6_000, 4_000, 0),
                    new Acceptance(6_000, 4_000, 1)),
                new ConfidenceThreshold(
                    0.99999,
                    ConfidenceThreshold.ACCEPT_NONE,
                    new Acceptance(6_000, 0, 0),
                    new Acceptance(6_000, 0, 0))));
    ScoredSet set = SyntheticScores.draw(6_000, 1, 23);

    String text = CalibrationReport.of(calibration, set, "test").toText();

    assertThat(text)
        .contains("4,000 accepted validation images cannot show 99.99 %")
        .contains("target 99.999 %: no threshold reaches it on the 6,000 validation images");
  }

  @Test
  void shouldReportAnUncalibratedModelWithoutThresholds() {
    ScoredSet set = SyntheticScores.draw(1_000, 1, 24);

    String text = CalibrationReport.of(Calibration.NONE, set, "test").toText();

    assertThat(text).contains("calibration: none").contains("temperature 1.0000");
    assertThat(text).doesNotContain("validation images").doesNotContain("threshold");
  }
}
