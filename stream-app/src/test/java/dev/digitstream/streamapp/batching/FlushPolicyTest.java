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
    return arrive(policy, perSecond, startMs, 1000);
  }

  /**
   * Sends {@code perSecond} arrivals for {@code ms} of the policy's clock, from {@code startMs}.
   */
  private static long arrive(FlushPolicy policy, int perSecond, long startMs, long ms) {
    for (long i = 0; i < perSecond * ms / 1000; i++) {
      policy.arrived(startMs + i * 1000L / perSecond);
    }
    return startMs + ms;
  }

  /** Batches of every power-of-two size measured at {@code nowMs}: 2 ms plus 0.2 ms per image. */
  private static void measureEveryBand(FlushPolicy policy, long nowMs) {
    measureFrom(policy, 1, nowMs);
  }

  /** {@link #measureEveryBand} from {@code smallest} images up. */
  private static void measureFrom(FlushPolicy policy, int smallest, long nowMs) {
    for (int size = smallest; size <= MAX; size *= 2) {
      policy.observed(size, 2_000_000 + 200_000L * size, 100, nowMs);
    }
  }

  @Test
  void withoutATargetShouldRunAFullBatchOrOneWhoseFirstImageWaitedTheDelay() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 0), 0);
    arrive(policy, 100, 0);
    policy.observed(4, 40_000_000, 100, 0);

    assertThat(policy.targeted()).isFalse();
    assertThat(policy.runAt()).as("no target: only full batches by size").isEqualTo(MAX);
    assertThat(policy.due(MAX - 1, 9)).isFalse();
    assertThat(policy.due(1, 10)).isTrue();
  }

  @Test
  void shouldRunABatchOnceWaitingOneMoreCheckWouldMissTheTarget() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0); // checks every 2 ms
    policy.observed(8, 8_000_000, 100, 0); // 1 ms per image

    // 8 images: 8 ms of inference, 2 ms to the next check
    assertThat(policy.due(8, 39)).as("39 + 8 + 2 < 50").isFalse();
    assertThat(policy.due(8, 40)).as("40 + 8 + 2 = 50").isTrue();
    assertThat(policy.due(1, 46)).as("46 + 1 + 2 < 50").isFalse();
    assertThat(policy.due(1, 47)).as("47 + 1 + 2 = 50").isTrue();
  }

  @Test
  void shouldRunSmallBatchesWhenTrafficIsLightAndLargerOnesAsItGrows() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0);
    measureEveryBand(policy, 0);

    long now = arrive(policy, 100, 0);
    assertThat(policy.runAt()).as("100/s: one image keeps the thread 22 % busy").isEqualTo(1);

    for (int i = 0; i < 30; i++) { // long enough for the average rate to follow
      now = arrive(policy, 2_000, now);
      measureEveryBand(policy, now);
    }
    int atTwoThousand = policy.runAt();
    // 2,000/s: 16 images take 5.2 ms (65 % busy), 32 take 8.4 ms (52 %)
    assertThat(atTwoThousand).isEqualTo(32);

    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 20_000, now);
      measureEveryBand(policy, now);
    }
    assertThat(policy.runAt())
        .as("a backlog: as large as half the target allows (96 images take 20.7 ms)")
        .isGreaterThan(atTwoThousand)
        .satisfies(size -> assertThat(policy.estimateNanos(size)).isLessThanOrEqualTo(25e6));
  }

  @Test
  void shouldGrowBatchesThatFillAtOnceToTheMaximumAndFallBackWhenOneDoesNot() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0); // checks every 2 ms
    long now = 0;
    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 2_000, now); // what a busy thread sees arrive while it drains
      measureEveryBand(policy, now);
    }
    assertThat(policy.runAt()).isEqualTo(32);

    policy.observed(32, 8_400_000, 0, now); // filled at once: the images were waiting
    assertThat(policy.runAt()).isEqualTo(64);
    policy.observed(64, 14_800_000, 1, now);
    assertThat(policy.runAt())
        .as("a backlog fills whole batches, beyond half the target (128 take 27.6 ms)")
        .isEqualTo(MAX);
    policy.observed(MAX, 27_600_000, 0, now);
    assertThat(policy.runAt()).isEqualTo(MAX);

    policy.observed(MAX, 27_600_000, 30, now); // waited: no backlog any more
    assertThat(policy.runAt()).isEqualTo(32);
  }

  @Test
  void shouldTakeABatchThatFilledAsFastAsTrafficCameForNoBacklog() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0); // checks every 2 ms
    long now = 0;
    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 400, now);
      measureEveryBand(policy, now);
    }
    assertThat(policy.runAt()).as("400/s: two images keep the thread 48 % busy").isEqualTo(2);

    policy.observed(2, 2_400_000, 1, now); // the second image came 1 ms after the first
    assertThat(policy.runAt())
        .as("filled within a check, but as the rate brings them")
        .isEqualTo(2);
    policy.observed(2, 2_400_000, 0, now); // both came in one poll
    assertThat(policy.runAt()).as("filled in under half the time: they were waiting").isEqualTo(4);

    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 100, now);
      measureEveryBand(policy, now);
    }
    assertThat(policy.runAt()).as("100/s: one image keeps the thread 22 % busy").isEqualTo(1);
    policy.observed(1, 2_200_000, 0, now);
    assertThat(policy.runAt()).as("a single image always fills its batch at once").isEqualTo(1);
  }

  @Test
  void shouldFollowTheMeasuredTimeAndFallBackToTheNearestMeasuredBand() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0);
    assertThat(policy.estimateNanos(64)).isZero();
    assertThat(policy.runAt()).as("nothing measured yet").isEqualTo(MAX);

    policy.observed(4, 4_000_000, 100, 0);
    assertThat(policy.estimateNanos(3)).isEqualTo(3e6);
    assertThat(policy.estimateNanos(100)).as("nearest band's time per image").isEqualTo(100e6);

    for (int i = 0; i < 50; i++) {
      policy.observed(4, 8_000_000, 100, 0); // the machine got busier
    }
    assertThat(policy.estimateNanos(4)).isCloseTo(8e6, offset(1e5));
  }

  @Test
  void shouldMeasureASmallerSizeAgainOnceItsEstimateIsStaleAndReplaceIt() {
    FlushPolicy policy = new FlushPolicy(MAX, new BatchTiming(10, 50), 0);
    long now = 0;
    for (int i = 0; i < 30; i++) {
      now = arrive(policy, 2_000, now);
      measureEveryBand(policy, now);
    }
    long slowAt = now;
    policy.observed(1, 9_000_000, 100, slowAt); // a pause: averaged in, 3.56 ms now
    now = arrive(policy, 2_000, now);
    measureFrom(policy, 4, now - 1); // the larger sizes measured since; one and two images not
    assertThat(policy.runAt()).as("not stale yet").isEqualTo(32);

    now = arrive(policy, 2_000, now, 200);
    assertThat(now - slowAt).isGreaterThan(FlushPolicy.REMEASURE_MS);
    assertThat(policy.runAt()).as("the single image's estimate is stale: run again").isEqualTo(1);

    policy.observed(1, 2_200_000, 0, now);
    assertThat(policy.estimateNanos(1))
        .as("the new measurement replaces the stale one")
        .isEqualTo(2.2e6);
    assertThat(policy.runAt()).as("measured, too slow at 2,000/s; two images stale").isEqualTo(2);
    policy.observed(2, 2_400_000, 1, now);
    assertThat(policy.runAt()).as("every size fresh, back to what the rate needs").isEqualTo(32);
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
      policy.observed(s, nanosPerImage * s, 100, 0);
    }
    arrive(policy, perSecond, 0, 1_500); // past REMEASURE_MS: what was measured is stale too
    if (!policy.due(size, waitedMs)) {
      double finishMs = waitedMs + policy.estimateNanos(size) / 1e6 + timing.checkMs();
      assertThat(finishMs).isLessThan(targetMs);
    }
    int runAt = policy.runAt();
    assertThat(runAt).isBetween(1, 512);
    assertThat(runAt == 1 || policy.estimateNanos(runAt) <= targetMs * 1e6 / 2).isTrue();
  }
}
