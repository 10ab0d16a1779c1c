package dev.digitstream.producer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.producer.search.RateSearch.Bounds;
import dev.digitstream.producer.search.RateSearch.End;
import dev.digitstream.producer.verify.Latency;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class RateSearchTest {

  /** A trial at {@code rate} that passes or fails as {@code pass} says, with no real figures. */
  static Trial trial(long rate, boolean pass) {
    return new Trial(
        rate,
        "t",
        rate,
        pass ? 0 : 1,
        new Latency(rate, 1, 1, 1, 1, 1, 1),
        pass ? List.of() : List.of("1 missing"));
  }

  private static RateSearch.Result search(Bounds bounds, LongPredicate passes) throws Exception {
    return new RateSearch(bounds).search(r -> trial(r, passes.test(r)), () -> false, t -> {});
  }

  private static List<Long> rates(RateSearch.Result result) {
    return result.trials().stream().map(Trial::rate).toList();
  }

  @Test
  void shouldDoubleFromTheMinimumUntilATrialFailsThenBisect() throws Exception {
    // given a pipeline that sustains 3,000 images/s and no more
    var result = search(new Bounds(100, 20_000, 0.05, 20), rate -> rate <= 3_000);

    // then: 100..3,200 doubling, then the geometric middle of what passed and what failed
    assertThat(rates(result))
        .containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 2_263L, 2_691L, 2_934L, 3_064L);
    assertThat(result.end()).isEqualTo(End.CONVERGED);
    assertThat(result.maximum().rate()).isEqualTo(2_934);
  }

  @Test
  void shouldReportTheUpperBoundWhenItPasses() throws Exception {
    var result = search(new Bounds(100, 1_000, 0.05, 20), rate -> true);

    assertThat(rates(result)).containsExactly(100L, 200L, 400L, 800L, 1_000L);
    assertThat(result.end()).isEqualTo(End.AT_MAX_RATE);
    assertThat(result.maximum().rate()).isEqualTo(1_000);
  }

  @Test
  void shouldReportNothingWhenTheMinimumFails() throws Exception {
    var result = search(new Bounds(100, 1_000, 0.05, 20), rate -> false);

    assertThat(rates(result)).containsExactly(100L);
    assertThat(result.end()).isEqualTo(End.BELOW_MIN_RATE);
    assertThat(result.maximum()).isNull();
  }

  @Test
  void shouldEndAtTheTrialLimitWithTheBestSoFar() throws Exception {
    var result = search(new Bounds(100, 20_000, 0.05, 4), rate -> rate <= 3_000);

    assertThat(rates(result)).containsExactly(100L, 200L, 400L, 800L);
    assertThat(result.end()).isEqualTo(End.TRIAL_LIMIT);
    assertThat(result.maximum().rate()).isEqualTo(800);
  }

  @Test
  void shouldStopWithTheFiguresSoFarAndLeaveOutTheTrialItInterrupted() throws Exception {
    // given a stop requested while the fourth trial runs
    List<Trial> heard = new ArrayList<>();
    int[] started = {0};
    boolean[] stop = {false};

    var result =
        new RateSearch(new Bounds(100, 20_000, 0.05, 20))
            .search(
                rate -> {
                  stop[0] = ++started[0] == 4;
                  return trial(rate, true);
                },
                () -> stop[0],
                heard::add);

    assertThat(started[0]).isEqualTo(4);
    assertThat(rates(result)).containsExactly(100L, 200L, 400L);
    assertThat(heard).isEqualTo(result.trials());
    assertThat(result.end()).isEqualTo(End.STOPPED);
    assertThat(result.maximum().rate()).isEqualTo(400);
  }

  @Test
  void shouldRefuseBoundsThatDescribeNoSearch() {
    assertThatThrownBy(() -> new Bounds(0, 10, 0.05, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bounds(10, 5, 0.05, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bounds(10, 50, 0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bounds(10, 50, 0.05, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * For a pipeline that sustains every rate up to a threshold and none above, the search reports
   * the largest passing rate to within the precision (or one record per second), never a rate above
   * the threshold, in a number of trials logarithmic in the range.
   */
  @Property(tries = 500)
  void shouldFindAMonotoneThresholdWithinThePrecision(
      @ForAll @LongRange(min = 1, max = 5_000) long minRate,
      @ForAll @DoubleRange(min = 1, max = 10_000) double span,
      @ForAll @DoubleRange(min = 0, max = 1.2) double where,
      @ForAll @DoubleRange(min = 0.001, max = 0.5) @Scale(4) double precision)
      throws Exception {
    long maxRate = Math.min(Math.round(minRate * span), 100_000_000L);
    double threshold = minRate * 0.9 + where * (maxRate - minRate * 0.9); // may lie outside
    Bounds bounds = new Bounds(minRate, maxRate, precision, 1_000);

    var result = search(bounds, rate -> rate <= threshold);

    Trial maximum = result.maximum();
    if (threshold < minRate) {
      assertThat(result.end()).isEqualTo(End.BELOW_MIN_RATE);
      assertThat(maximum).isNull();
      return;
    }
    assertThat(maximum.passed()).isTrue();
    assertThat(maximum.rate()).isBetween(minRate, maxRate).isLessThanOrEqualTo((long) threshold);
    if (threshold >= maxRate) {
      assertThat(result.end()).isEqualTo(End.AT_MAX_RATE);
      assertThat(maximum.rate()).isEqualTo(maxRate);
    } else {
      assertThat(result.end()).isEqualTo(End.CONVERGED);
      // the next whole rate above it, or a rate within the precision above it, failed
      assertThat(
              maximum.rate() + 1 > threshold
                  || maximum.rate() * (1 + precision) > Math.floor(threshold))
          .as("%d vs threshold %.2f", maximum.rate(), threshold)
          .isTrue();
    }
    assertThat(result.trials())
        .allSatisfy(t -> assertThat(t.passed()).isEqualTo(t.rate() <= threshold));
    double doublings = Math.ceil(Math.log((double) maxRate / minRate) / Math.log(2)) + 1;
    double halvings = Math.ceil(Math.log(Math.log(2) / Math.log1p(precision)) / Math.log(2)) + 2;
    assertThat(result.trials()).hasSizeLessThanOrEqualTo((int) (doublings + halvings));
  }

  /**
   * Whatever the trials say, however inconsistent, the reported rate is one whose trial passed, the
   * highest that did, within the bounds; no rate is tried twice; the trial limit holds.
   */
  @Property(tries = 500)
  void shouldNeverReportAFailedRateWhateverTheNoise(
      @ForAll @LongRange(min = 1, max = 2_000) long minRate,
      @ForAll @LongRange(min = 0, max = 50_000) long extra,
      @ForAll @DoubleRange(min = 0.01, max = 0.99) double passShare,
      @ForAll @IntRange(min = 1, max = 30) int maxTrials,
      @ForAll long seed)
      throws Exception {
    Bounds bounds = new Bounds(minRate, minRate + extra, 0.05, maxTrials);
    // each trial's outcome drawn at random: a noisy pipeline, not even monotone
    SplittableRandom noise = new SplittableRandom(seed);

    var result = search(bounds, rate -> noise.nextDouble() < passShare);

    List<Long> rates = rates(result);
    assertThat(rates).hasSizeBetween(1, maxTrials).doesNotHaveDuplicates();
    assertThat(rates).allSatisfy(r -> assertThat(r).isBetween(minRate, minRate + extra));
    Trial maximum = result.maximum();
    if (maximum == null) {
      assertThat(result.end()).isIn(End.BELOW_MIN_RATE);
      return;
    }
    assertThat(maximum.passed()).isTrue();
    assertThat(result.trials())
        .filteredOn(Trial::passed)
        .allSatisfy(t -> assertThat(t.rate()).isLessThanOrEqualTo(maximum.rate()));
    assertThat(result.trials())
        .filteredOn(t -> t.rate() == maximum.rate())
        .containsExactly(maximum);
  }

  @Property(tries = 200)
  void shouldTryEachRateOnceEvenAtTheFinestGrain(
      @ForAll @LongRange(min = 1, max = 20) long minRate,
      @ForAll @LongRange(min = 0, max = 60) long extra,
      @ForAll @DoubleRange(min = 0, max = 1) double where)
      throws Exception {
    Assume.that(extra > 0);
    long maxRate = minRate + extra;
    double threshold = minRate + where * extra;

    var result = search(new Bounds(minRate, maxRate, 1e-9, 100), rate -> rate <= threshold);

    assertThat(new HashSet<>(rates(result))).hasSameSizeAs(rates(result));
    assertThat(result.maximum().rate()).isEqualTo((long) Math.floor(threshold));
  }
}
