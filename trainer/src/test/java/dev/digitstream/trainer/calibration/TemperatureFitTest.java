package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.model.Calibration;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemperatureFitTest {

  private static double ece(ScoredSet set, double temperature) {
    Calibration c = new Calibration(temperature, set.size(), 0, 0, List.of());
    return ReliabilityDiagram.of(Outcomes.calibrated(set, c)).ece();
  }

  @Test
  void shouldSoftenOverConfidentProbabilitiesLoweringLikelihoodLossAndCalibrationError() {
    // given probabilities twice as sharp as the truth: the temperature that undoes it is 2
    ScoredSet overConfident = SyntheticScores.draw(50_000, 2, 1);

    double t = TemperatureFit.fit(overConfident);

    assertThat(t).isGreaterThan(1).isCloseTo(2, within(0.1));
    assertThat(TemperatureFit.negativeLogLikelihood(overConfident, t))
        .isLessThan(TemperatureFit.negativeLogLikelihood(overConfident, 1));
    double before = ReliabilityDiagram.of(Outcomes.raw(overConfident)).ece();
    assertThat(before).as("over-confident on purpose").isGreaterThan(0.05);
    assertThat(ece(overConfident, t)).isLessThan(before / 3);
  }

  @Test
  void shouldSharpenUnderConfidentProbabilities() {
    ScoredSet underConfident = SyntheticScores.draw(50_000, 0.5, 2);

    assertThat(TemperatureFit.fit(underConfident)).isCloseTo(0.5, within(0.05));
  }

  @Test
  void shouldStayNearOneForCalibratedProbabilities() {
    ScoredSet calibrated = SyntheticScores.draw(50_000, 1, 3);

    assertThat(TemperatureFit.fit(calibrated)).isCloseTo(1, within(0.05));
  }

  @Test
  void shouldFindTheMinimumOfTheLikelihoodLoss() {
    ScoredSet set = SyntheticScores.draw(5_000, 1.6, 4);

    double t = TemperatureFit.fit(set);

    double atFit = TemperatureFit.negativeLogLikelihood(set, t);
    assertThat(atFit).isLessThanOrEqualTo(TemperatureFit.negativeLogLikelihood(set, t * 1.01));
    assertThat(atFit).isLessThanOrEqualTo(TemperatureFit.negativeLogLikelihood(set, t / 1.01));
  }
}
