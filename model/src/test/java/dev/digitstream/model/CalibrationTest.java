package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  private static final float[] CONFIDENT = {0.9f, 0.05f, 0.05f, 0, 0, 0, 0, 0, 0, 0};

  private static Calibration withTemperature(double t) {
    return new Calibration(t, 100, 0, 0, List.of());
  }

  @Test
  void shouldLeaveProbabilitiesAsTheyAreAtTemperatureOne() {
    double[] p = Calibration.NONE.probabilities(CONFIDENT);

    assertThat(p[0]).isCloseTo(0.9, within(1e-6));
    assertThat(p[1]).isCloseTo(0.05, within(1e-6));
    assertThat(Calibration.NONE.confidence(CONFIDENT)).isCloseTo(0.9, within(1e-6));
  }

  @Test
  void shouldRaiseProbabilitiesToThePowerOneOverTheTemperature() {
    double[] p = withTemperature(2).probabilities(CONFIDENT);

    // p_T(k) ∝ p(k)^(1/2): sqrt(0.9) : sqrt(0.05) : sqrt(0.05), the zeros stay (almost) zero
    double norm = Math.sqrt(0.9) + 2 * Math.sqrt(0.05);
    assertThat(p[0]).isCloseTo(Math.sqrt(0.9) / norm, within(1e-6));
    assertThat(p[2]).isCloseTo(Math.sqrt(0.05) / norm, within(1e-6));
    assertThat(p[9]).isLessThan(1e-20);
    assertThat(Arrays.stream(p).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void shouldSoftenAboveOneAndSharpenBelowOneWithoutChangingTheDigit() {
    double soft = withTemperature(3).confidence(CONFIDENT);
    double sharp = withTemperature(0.5).confidence(CONFIDENT);

    assertThat(soft).isLessThan(0.9);
    assertThat(sharp).isGreaterThan(0.9);
    double[] p = withTemperature(3).probabilities(CONFIDENT);
    for (int k = 1; k < p.length; k++) {
      assertThat(p[0]).isGreaterThan(p[k]);
    }
  }

  @Test
  void shouldStayFiniteWhenTheTrueDigitUnderflowedToZero() {
    double[] logs = Calibration.logProbabilities(CONFIDENT, 0.1);

    assertThat(Arrays.stream(logs).allMatch(Double::isFinite)).isTrue();
    assertThat(logs[9]).isLessThan(logs[1]);
  }

  @Test
  void shouldRefuseATemperatureThatIsNotPositive() {
    assertThatThrownBy(() -> withTemperature(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> withTemperature(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
