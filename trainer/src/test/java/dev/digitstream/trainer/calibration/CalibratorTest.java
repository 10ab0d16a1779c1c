package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.model.Calibration;
import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.trainer.evaluation.ScoredSet;
import org.junit.jupiter.api.Test;

class CalibratorTest {

  @Test
  void shouldFitOnValidationAndMeasureEachTargetOnTheTestSet() {
    // given an over-confident network's scores on two independent sets
    ScoredSet validation = SyntheticScores.draw(60_000, 1.7, 11);
    ScoredSet test = SyntheticScores.draw(60_000, 1.7, 12);

    Calibration calibration = Calibrator.fit(validation, test);

    assertThat(calibration.temperature()).isCloseTo(1.7, within(0.1));
    assertThat(calibration.validationImages()).isEqualTo(60_000);
    assertThat(calibration.validationEceAfter()).isLessThan(calibration.validationEceBefore());
    assertThat(calibration.thresholds())
        .extracting(ConfidenceThreshold::targetAccuracy)
        .containsExactlyElementsOf(Calibrator.TARGET_ACCURACIES);
    ConfidenceThreshold nines3 = calibration.threshold(0.999).orElseThrow();
    ConfidenceThreshold nines4 = calibration.threshold(0.9999).orElseThrow();
    assertThat(nines3.reached()).isTrue();
    assertThat(nines3.validation().images()).isEqualTo(60_000);
    assertThat(nines3.validation().accuracy()).isGreaterThanOrEqualTo(0.999);
    assertThat(nines4.confidence()).isGreaterThanOrEqualTo(nines3.confidence());
    assertThat(nines4.validation().coverage()).isLessThanOrEqualTo(nines3.validation().coverage());
    // held out: within 5 binomial standard errors of the target
    double tolerance = 5 * Math.sqrt(0.999 * 0.001 / nines3.test().accepted());
    assertThat(nines3.test().images()).isEqualTo(60_000);
    assertThat(nines3.test().accuracy()).isCloseTo(0.999, within(tolerance));
    assertThat(nines3.test().coverage()).isCloseTo(nines3.validation().coverage(), within(0.02));
  }
}
