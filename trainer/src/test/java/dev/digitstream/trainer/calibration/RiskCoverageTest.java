package dev.digitstream.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.ConfidenceThreshold.Acceptance;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RiskCoverageTest {

  /**
   * Calibrated by construction: confidence {@code c = 1 - 0.2 u^4} with u uniform, and the
   * prediction right with probability c.
   */
  private static Outcomes calibrated(int n, long seed) {
    Random random = new Random(seed);
    double[] confidence = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      confidence[i] = 1 - 0.2 * Math.pow(random.nextDouble(), 4);
      correct[i] = random.nextDouble() < confidence[i];
    }
    return new Outcomes(confidence, correct);
  }

  @Test
  void shouldReproduceItsTargetAccuracyOnHeldOutDataWithinFiveStandardErrors() {
    RiskCoverage chosenOn = RiskCoverage.of(calibrated(400_000, 1));
    RiskCoverage heldOut = RiskCoverage.of(calibrated(400_000, 2));

    for (double target : List.of(0.99, 0.999)) {
      double threshold = chosenOn.thresholdFor(target);
      Acceptance there = chosenOn.acceptance(threshold);
      Acceptance then = heldOut.acceptance(threshold);

      // tolerance: 5 binomial standard errors of an accuracy at the target over what is accepted
      double tolerance = 5 * Math.sqrt(target * (1 - target) / then.accepted());
      assertThat(there.accuracy()).isGreaterThanOrEqualTo(target);
      assertThat(then.accuracy()).as("target %s", target).isCloseTo(target, within(tolerance));
      assertThat(then.coverage()).isCloseTo(there.coverage(), within(0.01));
      assertThat(then.coverage()).isGreaterThan(0.3);
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }

  @Property
  void shouldChooseTheLowestThresholdWhoseAcceptedPredictionsReachTheTarget(
      @ForAll("outcomes") @Size(min = 1, max = 60) List<Tuple.Tuple2<Double, Boolean>> pairs,
      @ForAll("targets") double target) {
    Outcomes outcomes = outcomes(pairs);
    RiskCoverage curve = RiskCoverage.of(outcomes);

    double threshold = curve.thresholdFor(target);

    List<Double> occurring = pairs.stream().map(Tuple.Tuple2::get1).distinct().toList();
    if (threshold == ConfidenceThreshold.ACCEPT_NONE) {
      assertThat(occurring).allSatisfy(c -> assertThat(reaches(outcomes, c, target)).isFalse());
      assertThat(curve.acceptance(threshold).accepted()).isZero();
    } else {
      assertThat(occurring).contains(threshold);
      assertThat(reaches(outcomes, threshold, target)).isTrue();
      assertThat(occurring)
          .filteredOn(c -> c < threshold)
          .allSatisfy(c -> assertThat(reaches(outcomes, c, target)).isFalse());
      assertThat(curve.acceptance(threshold)).isEqualTo(count(outcomes, threshold));
    }
  }

  /** Whether the predictions of confidence >= threshold are at least target accurate, counted. */
  private static boolean reaches(Outcomes outcomes, double threshold, double target) {
    Acceptance a = count(outcomes, threshold);
    return a.accepted() > 0 && a.accuracy() >= target;
  }

  private static Acceptance count(Outcomes outcomes, double threshold) {
    long accepted = 0;
    long errors = 0;
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.confidence()[i] >= threshold) {
        accepted++;
        errors += outcomes.correct()[i] ? 0 : 1;
      }
    }
    return new Acceptance(outcomes.size(), accepted, errors);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Double, Boolean>>> outcomes() {
    // few distinct confidences, so that ties are common; mostly right, as a classifier is
    Arbitrary<Double> confidence = Arbitraries.of(0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999, 1.0);
    Arbitrary<Boolean> correct =
        Arbitraries.frequencyOf(
            Tuple.of(9, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false)));
    return Combinators.combine(confidence, correct).as(Tuple::of).list();
  }

  @Provide
  Arbitrary<Double> targets() {
    return Arbitraries.of(0.5, 0.8, 0.9, 0.95, 0.99, 1.0);
  }

  private static Outcomes outcomes(List<Tuple.Tuple2<Double, Boolean>> pairs) {
    double[] confidence = new double[pairs.size()];
    boolean[] correct = new boolean[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      confidence[i] = pairs.get(i).get1();
      correct[i] = pairs.get(i).get2();
    }
    return new Outcomes(confidence, correct);
  }

  @Test
  void shouldAcceptNothingWhenNoThresholdReachesTheTarget() {
    RiskCoverage curve =
        RiskCoverage.of(new Outcomes(new double[] {0.99, 0.9}, new boolean[] {false, true}));

    double threshold = curve.thresholdFor(0.9);

    assertThat(threshold).isEqualTo(ConfidenceThreshold.ACCEPT_NONE);
    assertThat(curve.acceptance(threshold)).isEqualTo(new Acceptance(2, 0, 0));
  }

  @Test
  void shouldAcceptOrRefuseEqualConfidencesTogether() {
    // the two 0.9s: one right, one wrong; together they make the top three 2/3 accurate
    RiskCoverage curve =
        RiskCoverage.of(
            new Outcomes(
                new double[] {0.9, 0.99, 0.9, 0.5}, new boolean[] {true, true, false, true}));

    assertThat(curve.thresholdFor(1.0)).isEqualTo(0.99);
    assertThat(curve.thresholdFor(0.75)).isEqualTo(0.5);
    assertThat(curve.thresholdFor(0.6)).isEqualTo(0.5);
    assertThat(curve.acceptance(0.9)).isEqualTo(new Acceptance(4, 3, 1));
    assertThat(curve.acceptance(0.95)).isEqualTo(new Acceptance(4, 1, 0));
  }

  @Test
  void shouldDrawTheCurveFromTheMostConfidentToAll() {
    Outcomes outcomes = calibrated(10_000, 3);
    RiskCoverage curve = RiskCoverage.of(outcomes);

    List<RiskCoverage.Point> points = curve.curve(100);

    assertThat(points).hasSizeBetween(90, 101);
    RiskCoverage.Point last = points.get(points.size() - 1);
    assertThat(last.coverage()).isEqualTo(1.0);
    assertThat(last.accuracy()).isEqualTo(curve.acceptance(0).accuracy());
    assertThat(points.get(0).accuracy()).isGreaterThan(last.accuracy());
  }
}
