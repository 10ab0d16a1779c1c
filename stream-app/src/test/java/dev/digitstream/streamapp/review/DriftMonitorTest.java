package dev.digitstream.streamapp.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.model.DriftBaseline;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {

  /** Every digit equally likely; confidences split at 0.9 and 0.99 into 20 / 30 / 50 %. */
  private static final DriftBaseline BASELINE =
      new DriftBaseline(
          10_000, Collections.nCopies(10, 0.1), List.of(0.9, 0.99), List.of(0.2, 0.3, 0.5), 0.001);

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final DriftMonitor monitor = new DriftMonitor(clock::get);
  private final Random random = new Random(3);

  /** One second of {@code rate} records like the baseline, {@code oodShare} of them flagged. */
  private void second(int rate, double oodShare) {
    int[] labels = new int[rate];
    double[] confidences = new double[rate];
    boolean[] ood = new boolean[rate];
    for (int i = 0; i < rate; i++) {
      labels[i] = random.nextInt(10);
      double u = random.nextDouble();
      confidences[i] = u < 0.2 ? 0.5 : u < 0.5 ? 0.95 : 0.999;
      ood[i] = random.nextDouble() < oodShare;
    }
    monitor.record(BASELINE, labels, confidences, ood, rate);
    clock.addAndGet(1_000);
  }

  @Test
  void shouldSeeNoDriftInTrafficLikeTheBaseline() {
    for (int s = 0; s < 600; s++) {
      second(100, 0.001);
    }
    DriftMonitor.Figures f = monitor.figures();
    assertThat(f.records()).isBetween(29_000L, 30_100L); // the last 5 minutes only
    assertThat(f.digitPsi()).isLessThan(0.01);
    assertThat(f.confidencePsi()).isLessThan(0.01);
    assertThat(f.oodShare()).isCloseTo(0.001, within(0.001));
  }

  @Test
  void shouldCrossTheAlertsOodShareWithinAMinuteOfAFifthOfTheTrafficTurningBad() {
    for (int s = 0; s < 300; s++) {
      second(100, 0.001);
    }
    int seconds = 0;
    while (monitor.figures().oodShare() <= 0.02) {
      second(100, 0.2);
      seconds++;
    }
    assertThat(seconds).isLessThanOrEqualTo(60);
    for (int s = 0; s < 300; s++) {
      second(100, 0.2);
    }
    assertThat(monitor.figures().oodShare()).isCloseTo(0.2, within(0.01));
  }

  @Test
  void shouldStartAfreshForANewModelAndForgetTrafficOlderThanTheWindow() {
    second(100, 0.5);
    DriftBaseline another =
        new DriftBaseline(
            10_000, BASELINE.digitShares(), List.of(0.5), List.of(0.1, 0.9), 0.001); // 2 bins
    monitor.record(another, new int[] {1}, new double[] {0.999}, new boolean[] {false}, 1);
    assertThat(monitor.figures().records()).isEqualTo(1);
    assertThat(monitor.figures().oodShare()).isZero();
    clock.addAndGet(DriftMonitor.WINDOW_MS + 10_000);
    assertThat(monitor.figures().records()).isZero();
  }

  @Test
  void shouldReportAShiftedDigitMixAsALargePsi() {
    int[] sevens = new int[1000];
    java.util.Arrays.fill(sevens, 7);
    double[] confidences = new double[1000];
    java.util.Arrays.fill(confidences, 0.999);
    monitor.record(BASELINE, sevens, confidences, new boolean[1000], 1000);
    assertThat(monitor.figures().digitPsi()).isGreaterThan(0.25);
    assertThat(monitor.figures().confidencePsi()).isGreaterThan(0.25);
  }
}
