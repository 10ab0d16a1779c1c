package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.contract.ImageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The triage rule, its detector and the drift baseline's arithmetic. */
class TriageTest {

  private static final OutOfDistribution DETECTOR =
      new OutOfDistribution(
          List.of(
              new OutOfDistribution.Feature("ink", 4.6, 0.3),
              new OutOfDistribution.Feature("strokes", 0.13, 0.04),
              new OutOfDistribution.Feature("grey", 0.06, 0.02),
              new OutOfDistribution.Feature("margin", 3, 3)),
          5,
          1000,
          0.001);

  /** A 10x10 square of full ink in the middle: about a digit's ink, nothing in the margin. */
  private static byte[] square() {
    byte[] image = new byte[ImageRecord.SIZE];
    for (int y = 9; y < 19; y++) {
      for (int x = 9; x < 19; x++) {
        image[y * 28 + x] = (byte) 255;
      }
    }
    return image;
  }

  @Test
  void shouldComputeTheFourStatisticsOfAnImage() {
    double[] values = OutOfDistribution.statistics(square());
    assertThat(values[0]).isCloseTo(Math.log1p(100), within(1e-9));
    assertThat(values[1]).isCloseTo(100 / 784.0, within(1e-9));
    assertThat(values[2]).isZero();
    assertThat(values[3]).isZero();

    byte[] framed = new byte[ImageRecord.SIZE];
    framed[0] = (byte) 255; // a corner: margin
    framed[4 * 28 + 4] = (byte) 100; // inside the margin's edge: grey, not margin
    double[] frame = OutOfDistribution.statistics(framed);
    assertThat(frame[3]).isCloseTo(1, within(1e-9));
    assertThat(frame[2]).isCloseTo(1 / 784.0, within(1e-9));
  }

  @Test
  void shouldFlagBlankNoiseAndInvertedImagesButNotADigitLikeOne() {
    byte[] noise = new byte[ImageRecord.SIZE];
    new Random(1).nextBytes(noise);
    byte[] inverted = square();
    for (int i = 0; i < inverted.length; i++) {
      inverted[i] = (byte) (255 - (inverted[i] & 0xff));
    }
    assertThat(DETECTOR.flags(DETECTOR.score(new byte[ImageRecord.SIZE]))).isTrue();
    assertThat(DETECTOR.flags(DETECTOR.score(noise))).isTrue();
    assertThat(DETECTOR.flags(DETECTOR.score(inverted))).isTrue();
    assertThat(DETECTOR.score(square())).isLessThan(DETECTOR.threshold());
    assertThat(OutOfDistribution.NONE.score(noise)).isZero();
    assertThat(OutOfDistribution.NONE.flags(1e300)).isFalse();
  }

  @Test
  void shouldRefuseADetectorWhoseFeaturesAreNotTheOnesComputed() {
    assertThatThrownBy(
            () ->
                new OutOfDistribution(
                    List.of(new OutOfDistribution.Feature("ink", 1, 1)), 5, 10, 0))
        .hasMessageContaining("features must be");
  }

  @Test
  void shouldSendOutOfDistributionFirstThenLowConfidenceAndAcceptTheRest() {
    Triage triage = new Triage(Calibration.NONE, DETECTOR, 0.9);
    float[] sure = {0.95f, 0.05f, 0, 0, 0, 0, 0, 0, 0, 0};
    float[] unsure = {0.6f, 0.4f, 0, 0, 0, 0, 0, 0, 0, 0};

    assertThat(triage.assess(square(), sure).accepted()).isTrue();
    assertThat(triage.assess(square(), sure).confidence()).isCloseTo(0.95, within(1e-6));
    assertThat(triage.assess(square(), unsure).reason()).isEqualTo(Triage.Reason.LOW_CONFIDENCE);
    assertThat(triage.assess(new byte[ImageRecord.SIZE], sure).reason())
        .isEqualTo(Triage.Reason.OUT_OF_DISTRIBUTION);
    assertThat(triage.assess(new byte[ImageRecord.SIZE], unsure).reason())
        .as("out of distribution takes precedence")
        .isEqualTo(Triage.Reason.OUT_OF_DISTRIBUTION);
    double confidence = triage.assess(square(), sure).confidence();
    assertThat(new Triage(Calibration.NONE, DETECTOR, confidence).assess(square(), sure).accepted())
        .as("a confidence equal to the threshold is accepted")
        .isTrue();
  }

  @Test
  void shouldApplyTheModelsOwnThresholdForItsTarget() {
    Calibration calibration =
        new Calibration(
            2,
            100,
            0,
            0,
            List.of(
                new ConfidenceThreshold(
                    Calibration.DEFAULT_TARGET_ACCURACY,
                    0.8,
                    new ConfidenceThreshold.Acceptance(100, 90, 0),
                    new ConfidenceThreshold.Acceptance(100, 90, 0))));
    Triage triage =
        Triage.forTarget(calibration, DETECTOR, Calibration.DEFAULT_TARGET_ACCURACY).orElseThrow();
    assertThat(triage.threshold()).isEqualTo(0.8);
    // T = 2 softens 0.95/0.05 to sqrt ratios: about 0.81, accepted; 0.9/0.1 gives 0.75, reviewed
    assertThat(
            triage.assess(square(), new float[] {0.95f, 0.05f, 0, 0, 0, 0, 0, 0, 0, 0}).accepted())
        .isTrue();
    assertThat(triage.assess(square(), new float[] {0.9f, 0.1f, 0, 0, 0, 0, 0, 0, 0, 0}).reason())
        .isEqualTo(Triage.Reason.LOW_CONFIDENCE);
    assertThat(Triage.forTarget(Calibration.NONE, DETECTOR, 0.999)).isEmpty();
  }

  @Test
  void shouldGiveAZeroPsiForTheBaselineItselfAndAGrowingOneAsTrafficShifts() {
    List<Double> expected = List.of(0.5, 0.3, 0.2);
    assertThat(DriftBaseline.psi(new long[] {500, 300, 200}, expected)).isCloseTo(0, within(1e-12));
    assertThat(DriftBaseline.psi(new long[] {0, 0, 0}, expected)).isZero();
    double previous = 0;
    for (int shift = 10; shift <= 200; shift += 10) {
      double psi = DriftBaseline.psi(new long[] {500 - shift, 300, 200 + shift}, expected);
      assertThat(psi).isGreaterThan(previous);
      previous = psi;
    }
    assertThat(DriftBaseline.psi(new long[] {0, 0, 1000}, expected))
        .as("an empty bin stays finite")
        .isFinite()
        .isGreaterThan(1);
  }

  @Test
  void shouldBinConfidencesByTheirEdgesWithEveryBinHalfOpen() {
    DriftBaseline baseline =
        new DriftBaseline(10, nCopies(10, 0.1), List.of(0.5, 0.9, 0.99), nCopies(4, 0.25), 0.001);
    assertThat(baseline.confidenceBin(0.1)).isZero();
    assertThat(baseline.confidenceBin(0.5)).isEqualTo(1);
    assertThat(baseline.confidenceBin(0.95)).isEqualTo(2);
    assertThat(baseline.confidenceBin(1.0)).isEqualTo(3);
    assertThatThrownBy(
            () -> new DriftBaseline(10, nCopies(10, 0.1), List.of(0.5), nCopies(1, 1.0), 0))
        .hasMessageContaining("one more confidence share");
  }

  private static List<Double> nCopies(int n, double value) {
    List<Double> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(value);
    }
    return list;
  }
}
