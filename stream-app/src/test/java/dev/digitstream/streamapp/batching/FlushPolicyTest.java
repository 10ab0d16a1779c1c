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

  /**
   * Sends {@code perSecond} arrivals for one second of the policy's clock, from {@code startMs}.
   */
  private static long arrive(FlushPolicy policy, int perSecond, long startMs) {
    for (int i = 0; i < perSecond; i++) {
      policy.arrived(startMs + i * 1000L / perSecond);
    }
    return startMs + 1000;
  }

  @Test
  void withoutATargetShouldRunAFullBatchOrOneWhoseFirstImageWaitedTheDelay() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 0), 0);
    arrive(policy, 100, 0);
    policy.observed(4, 40_000_000, 100);

    assertThat(policy.targeted()).isFalse();
    assertThat(policy.runAt()).as("no target: only full batches by size").isEqualTo(MAX);
    assertThat(policy.due(MAX - 1, 9)).isFalse();
    assertThat(policy.due(1, 10)).isTrue();
  }

  @Test
  void shouldRunABatchOnceWaitingOneMoreCheckWouldMissTheTarget() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0); // checks every 2 ms
    policy.observed(8, 8_000_000, 100); // 1 ms per image

    // 8 images: 8 ms of inference, 2 ms to the next check
    assertThat(policy.due(8, 39)).as("39 + 8 + 2 < 50").isFalse();
    assertThat(policy.due(8, 40)).as("40 + 8 + 2 = 50").isTrue();
    assertThat(policy.due(1, 46)).as("46 + 1 + 2 < 50").isFalse();
    assertThat(policy.due(1, 47)).as("47 + 1 + 2 = 50").isTrue();
  }

  @Test
  void shouldRunSmallBatchesWhenTrafficIsLightAndLargerOnesAsItGrows() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0);
    for (int size = 1; size <= MAX; size *= 2) { // 2 ms per batch plus 0.2 ms per image
      policy.observed(size, 2_000_000 + 200_000L * size, 100);
    }

    long now = arrive(policy, 100, 0);
    assertThat(policy.runAt()).as("100/s: one image keeps the thread 22 % busy").isEqualTo(1);

    for (int i = 0; i < 30; i++) { // long enough for the average rate to follow
      now = arrive(policy, 2_000, now);
    }
    int atTwoThousand = policy.runAt();
    // 2,000/s: 16 images take 5.2 ms (65 % busy), 32 take 8.4 ms (52 %)
    assertThat(atTwoThousand).isEqualTo(32);

    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 20_000, now);
    }
    assertThat(policy.runAt())
        .as("a backlog: as large as half the target allows (96 images take 20.7 ms)")
        .isGreaterThan(atTwoThousand)
        .satisfies(size -> assertThat(policy.estimateNanos(size)).isLessThanOrEqualTo(25e6));
  }

  @Test
  void shouldGrowBatchesThatFillAtOnceToTheMaximumAndFallBackWhenOneDoesNot() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0); // checks every 2 ms
    for (int size = 1; size <= MAX; size *= 2) { // 2 ms per batch plus 0.2 ms per image
      policy.observed(size, 2_000_000 + 200_000L * size, 100);
    }
    long now = 0;
    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 2_000, now); // what a busy thread sees arrive while it drains
    }
    assertThat(policy.runAt()).isEqualTo(32);

    policy.observed(32, 8_400_000, 0); // filled at once: the images were waiting
    assertThat(policy.runAt()).isEqualTo(64);
    policy.observed(64, 14_800_000, 1);
    assertThat(policy.runAt())
        .as("a backlog fills whole batches, beyond half the target (128 take 27.6 ms)")
        .isEqualTo(MAX);
    policy.observed(MAX, 27_600_000, 0);
    assertThat(policy.runAt()).isEqualTo(MAX);

    policy.observed(MAX, 27_600_000, 30); // waited: no backlog any more
    assertThat(policy.runAt()).isEqualTo(32);
  }

  @Test
  void shouldFollowTheMeasuredTimeAndFallBackToTheNearestMeasuredBand() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0);
    assertThat(policy.estimateNanos(64)).isZero();
    assertThat(policy.runAt()).as("nothing measured yet").isEqualTo(MAX);

    policy.observed(4, 4_000_000, 100);
    assertThat(policy.estimateNanos(3)).isEqualTo(3e6);
    assertThat(policy.estimateNanos(100)).as("nearest band's time per image").isEqualTo(100e6);

    for (int i = 0; i < 50; i++) {
      policy.observed(4, 8_000_000, 100); // the machine got busier
    }
    assertThat(policy.estimateNanos(4)).isCloseTo(8e6, offset(1e5));
  }

  /**
   * Whatever inference has measured and whatever the arrival rate, a batch is never allowed to wait
   * past the point where, with its estimated inference, its first image would miss the target; and
   * the size it runs at keeps inference within half the target unless one image takes longer.
   */
  @Property
  void shouldNeverLetABatchWaitPastItsTarget(
      @ForAll @IntRange(min = 1, max = 500) int targetMs,
      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 512) Integer> sizes,
      @ForAll @LongRange(min = 1_000, max = 100_000_000) long nanosPerImage,
      @ForAll @IntRange(min = 0, max = 50_000) int perSecond,
      @ForAll @IntRange(min = 1, max = 512) int size,
      @ForAll @IntRange(min = 0, max = 500) int waitedMs) {
    BatchTiming timing = new BatchTiming(10, targetMs);
    FlushPolicy policy = new FlushPolicy(512, timing, 0);
    for (int s : sizes) {
      policy.observed(s, nanosPerImage * s, 100);
    }
    arrive(policy, perSecond, 0);
    if (!policy.due(size, waitedMs)) {
      double finishMs = waitedMs + policy.estimateNanos(size) / 1e6 + timing.checkMs();
      assertThat(finishMs).isLessThan(targetMs);
    }
    int runAt = policy.runAt();
    assertThat(runAt).isBetween(1, 512);
    assertThat(runAt == 1 || policy.estimateNanos(runAt) <= targetMs * 1e6 / 2).isTrue();
  }
}
