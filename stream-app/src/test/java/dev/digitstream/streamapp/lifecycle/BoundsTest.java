package dev.digitstream.streamapp.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.streamapp.lifecycle.Bounds.Interval;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BoundsTest {

  @Test
  void shouldGiveTheStandardNormalQuantiles() {
    assertThat(Bounds.z(0.5)).isCloseTo(0, within(1e-9));
    assertThat(Bounds.z(0.95)).isCloseTo(1.644853627, within(1e-6));
    assertThat(Bounds.z(0.975)).isCloseTo(1.959963985, within(1e-6));
    assertThat(Bounds.z(0.99)).isCloseTo(2.326347874, within(1e-6));
    assertThat(Bounds.z(0.9999)).isCloseTo(3.719016485, within(1e-6));
    assertThatThrownBy(() -> Bounds.z(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void quantilesAreSymmetricAndIncreasing(@ForAll @IntRange(min = 1, max = 998) int perMille) {
    double p = perMille / 1000.0;
    assertThat(Bounds.z(p)).isCloseTo(-Bounds.z(1 - p), within(1e-7));
    assertThat(Bounds.z(p + 0.001)).isGreaterThan(Bounds.z(p));
  }

  @Test
  void shouldMatchAWilsonIntervalComputedByHand() {
    // 95 of 100 at z = 1.96: 0.8883 to 0.9785 (two-sided 95 %)
    Interval i = Bounds.proportion(95, 100, 1.959964);
    assertThat(i.value()).isEqualTo(0.95);
    assertThat(i.lower()).isCloseTo(0.8883, within(1e-4));
    assertThat(i.upper()).isCloseTo(0.9785, within(1e-4));
  }

  @Property
  void boundsHoldTheEstimateAndStayInRange(
      @ForAll @IntRange(min = 0, max = 5000) int k,
      @ForAll @IntRange(min = 1, max = 5000) int extra,
      @ForAll @IntRange(min = 0, max = 2500) int aOnly,
      @ForAll @IntRange(min = 0, max = 2500) int bOnly) {
    int n = k + extra;
    Interval p = Bounds.proportion(k, n, 1.645);
    assertThat(p.lower()).isBetween(0.0, p.value() + 1e-12);
    assertThat(p.upper()).isBetween(p.value() - 1e-12, 1.0);

    int pairs = aOnly + bOnly + extra; // records on which A and B may also agree
    Interval d = Bounds.pairedDifference(aOnly, bOnly, pairs, 1.645);
    assertThat(d.value()).isCloseTo((double) (aOnly - bOnly) / pairs, within(1e-12));
    assertThat(d.lower()).isLessThanOrEqualTo(d.value()).isGreaterThanOrEqualTo(-1 - 1e-12);
    assertThat(d.upper()).isGreaterThanOrEqualTo(d.value()).isLessThanOrEqualTo(1 + 1e-12);
  }

  @Test
  void shouldNarrowThePairedIntervalAsRecordsGrow() {
    Interval small = Bounds.pairedDifference(10, 12, 1_000, 1.645);
    Interval large = Bounds.pairedDifference(100, 120, 10_000, 1.645);
    assertThat(large.value()).isEqualTo(small.value());
    assertThat(large.upper() - large.lower()).isLessThan(small.upper() - small.lower());
    assertThat(Bounds.pairedDifference(0, 0, 500, 1.645))
        .as("models that never differ: no uncertainty about their difference")
        .isEqualTo(new Interval(0, 0, 0));
  }
}
