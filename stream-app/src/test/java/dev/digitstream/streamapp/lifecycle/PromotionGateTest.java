package dev.digitstream.streamapp.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.registry.ShadowReport;
import dev.digitstream.streamapp.lifecycle.PromotionGate.Outcome;
import dev.digitstream.streamapp.lifecycle.PromotionGate.Verdict;
import java.time.Instant;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PromotionGateTest {

  private static final GatePolicy POLICY =
      new GatePolicy(true, 2000, 0.005, 0.97, 0.95, 0.02, 2000, 1);
  private final PromotionGate gate = new PromotionGate(POLICY);

  /**
   * Figures of a shadow beside the serving model on {@code n} labelled records.
   *
   * @param both right by both
   * @param servingOnly right by the serving model only
   * @param shadowOnly right by the shadow only
   */
  private static ShadowReport figures(
      long n, long both, long servingOnly, long shadowOnly, long disagreements) {
    return new ShadowReport(
        "r",
        "v2",
        "v1",
        n,
        n,
        both + servingOnly,
        both + shadowOnly,
        servingOnly,
        shadowOnly,
        disagreements,
        1,
        Instant.EPOCH);
  }

  private static ShadowReport unlabelled(long scored, long disagreements) {
    return new ShadowReport(
        "r", "v2", "v1", scored, 0, 0, 0, 0, 0, disagreements, 1, Instant.EPOCH);
  }

  @Test
  void shouldWaitUntilEnoughLabelledRecords() {
    assertThat(gate.candidate(figures(1999, 1990, 0, 0, 0), 0.99).outcome())
        .isEqualTo(Outcome.WAIT);
    assertThat(gate.candidate(figures(2000, 1990, 0, 0, 0), 0.99).outcome())
        .isEqualTo(Outcome.PROMOTE);
  }

  @Test
  void shouldRejectACandidateWithScrambledLabelsNamingTheFigures() {
    // right where the serving model was wrong, at best: about 1 % of records
    Verdict v = gate.candidate(figures(2000, 0, 1960, 20, 1990), 0.99);
    assertThat(v.outcome()).isEqualTo(Outcome.REJECT);
    assertThat(v.reason())
        .contains("accuracy 1.00 %")
        .contains("serving 98.00 %")
        .contains("2,000 labelled")
        .contains("below the floor of 97.00 %");
  }

  @Test
  void shouldRejectACandidateSignificantlyWorseThanTheToleranceButAboveTheFloor() {
    // serving 99.0 %, candidate 98.0 %: 1 pp worse, 30 records against 10
    Verdict v = gate.candidate(figures(4000, 3910, 50, 10, 60), 0.99);
    assertThat(v.outcome()).isEqualTo(Outcome.REJECT);
    assertThat(v.reason()).contains("worse than the tolerance of -0.50 pp");
  }

  @Test
  void shouldPromoteACandidateWhoseSmallLossIsWithinTheTolerance() {
    // 2 records worse of 4,000 (0.05 pp), few discordant pairs: the bound is inside -0.5 pp
    Verdict v = gate.candidate(figures(4000, 3950, 6, 4, 10), 0.99);
    assertThat(v.outcome()).isEqualTo(Outcome.PROMOTE);
    assertThat(v.reason()).contains("difference -0.05 pp");
  }

  @Test
  void shouldJudgeWithoutLabelsByDisagreementAndTestAccuracy() {
    assertThat(gate.candidate(unlabelled(1999, 0), 0.99).outcome()).isEqualTo(Outcome.WAIT);
    assertThat(gate.candidate(unlabelled(5000, 40), 0.99).outcome()).isEqualTo(Outcome.PROMOTE);
    Verdict tooDifferent = gate.candidate(unlabelled(5000, 200), 0.99);
    assertThat(tooDifferent.outcome()).isEqualTo(Outcome.REJECT);
    assertThat(tooDifferent.reason()).startsWith("no labels").contains("above the most of 2.00 %");
    assertThat(gate.candidate(unlabelled(5000, 0), 0.9).outcome())
        .as("test accuracy below the floor")
        .isEqualTo(Outcome.REJECT);
  }

  @Test
  void shouldJudgeByTheLabelFreeRuleWhenLabelsAreTooSparseToWaitFor() {
    ShadowReport sparse =
        new ShadowReport("r", "v2", "v1", 19_999, 150, 148, 149, 0, 1, 80, 1, Instant.EPOCH);
    assertThat(gate.candidate(sparse, 0.99).outcome()).isEqualTo(Outcome.WAIT);
    ShadowReport longer =
        new ShadowReport("r", "v2", "v1", 20_000, 150, 148, 149, 0, 1, 80, 1, Instant.EPOCH);
    Verdict v = gate.candidate(longer, 0.99);
    assertThat(v.outcome()).isEqualTo(Outcome.PROMOTE);
    assertThat(v.reason()).startsWith("too few labels (150)");
    assertThat(gate.probation(longer).outcome())
        .as("a probation with too few labels ends too")
        .isEqualTo(Outcome.RETIRE);
  }

  @Test
  void shouldRollBackDuringProbationOnEvidenceOnly() {
    // probation figures: shadow = the previous model, serving = the promoted one
    ShadowReport scrambledServing = figures(300, 0, 3, 290, 295);
    Verdict v = gate.probation(scrambledServing);
    assertThat(v.outcome()).isEqualTo(Outcome.ROLLBACK);
    assertThat(v.reason()).contains("below the floor");
    assertThat(gate.probation(figures(199, 0, 0, 199, 199)).outcome())
        .as("fewer labelled records than a rollback needs")
        .isEqualTo(Outcome.WAIT);
    assertThat(gate.probation(figures(1000, 985, 5, 5, 10)).outcome()).isEqualTo(Outcome.WAIT);
    Verdict passed = gate.probation(figures(2000, 1970, 10, 8, 18));
    assertThat(passed.outcome()).isEqualTo(Outcome.RETIRE);
    assertThat(passed.reason()).startsWith("probation passed");
    assertThat(gate.probation(unlabelled(2000, 10)).outcome()).isEqualTo(Outcome.RETIRE);
  }

  @Property
  void aCandidateThatNeverDiffersFromAServingModelAboveTheFloorIsPromoted(
      @ForAll @IntRange(min = 2000, max = 100_000) int n,
      @ForAll @IntRange(min = 0, max = 300) int wrongPerTenThousand) {
    long both = n - (long) n * wrongPerTenThousand / 10_000;
    assertThat(gate.candidate(figures(n, both, 0, 0, 0), 0.99).outcome())
        .isEqualTo(Outcome.PROMOTE);
  }

  @Property
  void improvingACandidateNeverTurnsAPromotionIntoARejection(
      @ForAll @IntRange(min = 2000, max = 20_000) int n,
      @ForAll @IntRange(min = 0, max = 200) int servingOnly,
      @ForAll @IntRange(min = 0, max = 200) int shadowOnly,
      @ForAll @IntRange(min = 1, max = 50) int better) {
    long both = n - 400 - better;
    Assume.that(both > 0);
    Outcome before = gate.candidate(figures(n, both, servingOnly, shadowOnly, 0), 0.99).outcome();
    Outcome after =
        gate.candidate(figures(n, both, servingOnly, shadowOnly + better, 0), 0.99).outcome();
    if (before == Outcome.PROMOTE) {
      assertThat(after).isEqualTo(Outcome.PROMOTE);
    }
  }

  @Property
  void aCandidateWorseByTwiceTheToleranceOnManyRecordsIsRejected(
      @ForAll @IntRange(min = 20_000, max = 200_000) int n) {
    long worse = (long) (n * 0.01); // 1 pp worse: twice the tolerance
    long both = n - worse - 100;
    assertThat(gate.candidate(figures(n, both, worse, 0, worse), 0.99).outcome())
        .isEqualTo(Outcome.REJECT);
  }
}
