package dev.digitstream.streamapp.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FlushPolicyTest {

  private static final int MAX = 128;

  @Test
  void withoutATargetShouldRunAFullBatchOrOneWhoseFirstImageWaitedTheDelay() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 0));

    assertThat(policy.inTime(0)).as("no target: nothing is in time").isFalse();
    assertThat(policy.due(MAX - 1, 9, -1)).isFalse();
    assertThat(policy.due(MAX, 0, -1)).isTrue();
    assertThat(policy.due(1, 10, -1)).isTrue();
  }

  @Test
  void shouldRunABatchOnceWaitingOneMoreCheckWouldMissTheTarget() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50)); // checks every 2 ms
    policy.observed(8, 8_000_000); // 1 ms per image

    // 8 images: 8 ms of inference, 2 ms to the next check
    assertThat(policy.due(8, 0, 39)).as("39 + 8 + 2 < 50").isFalse();
    assertThat(policy.due(8, 0, 40)).as("40 + 8 + 2 = 50").isTrue();
    assertThat(policy.due(1, 0, 46)).as("46 + 1 + 2 < 50").isFalse();
    assertThat(policy.due(1, 0, 47)).as("47 + 1 + 2 = 50").isTrue();
  }

  @Test
  void shouldCapABatchWithAnImageInTimeAtWhatInferenceFinishesInHalfTheTarget() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50));
    assertThat(policy.sizeCap(true)).as("nothing measured yet").isEqualTo(MAX);

    policy.observed(128, 128_000_000); // 1 ms per image at 65-128
    policy.observed(32, 16_000_000); // 0.5 ms per image at 17-32

    int cap = policy.sizeCap(true);
    assertThat(policy.estimateNanos(cap)).isLessThanOrEqualTo(25e6);
    assertThat(cap).isBetween(25, 50);
    assertThat(policy.sizeCap(false)).as("a batch of late images fills up").isEqualTo(MAX);
  }

  @Test
  void shouldFollowTheMeasuredTimeAndFallBackToTheNearestMeasuredBand() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50));
    assertThat(policy.estimateNanos(64)).isZero();

    policy.observed(4, 4_000_000);
    assertThat(policy.estimateNanos(3)).isEqualTo(3e6);
    assertThat(policy.estimateNanos(100)).as("nearest band's time per image").isEqualTo(100e6);

    for (int i = 0; i < 50; i++) {
      policy.observed(4, 8_000_000); // the machine got busier
    }
    assertThat(policy.estimateNanos(4)).isCloseTo(8e6, offset(1e5));
  }

  /**
   * Whatever inference has measured, a batch holding an image in time is never allowed to wait past
   * the point where, with its estimated inference, that image would miss the target; and its cap
   * keeps inference within half the target unless a single image already takes longer.
   */
  @Property
  void shouldNeverLetAnImageInTimeWaitPastItsTarget(
      @ForAll @IntRange(min = 1, max = 500) int targetMs,
      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 512) Integer> sizes,
      @ForAll @LongRange(min = 1_000, max = 100_000_000) long nanosPerImage,
      @ForAll @IntRange(min = 1, max = 512) int size,
      @ForAll @IntRange(min = 0, max = 500) int ageMs) {
    FlushPolicy policy = new FlushPolicy(512, new BatchTiming(10, targetMs));
    for (int s : sizes) {
      policy.observed(s, nanosPerImage * s);
    }
    boolean due = policy.due(size, 0, ageMs);
    if (!due) {
      double finishMs =
          ageMs + policy.estimateNanos(size) / 1e6 + new BatchTiming(10, targetMs).checkMs();
      assertThat(finishMs).isLessThan(targetMs);
      assertThat(size).isLessThan(policy.sizeCap(true));
    }
    int cap = policy.sizeCap(true);
    assertThat(cap).isBetween(1, 512);
    assertThat(cap == 1 || policy.estimateNanos(cap) <= targetMs * 1e6 / 2).isTrue();
  }
}
