package dev.digitstream.producer.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

  /** A clock that only moves when the pacer sleeps, or when the test says. */
  static final class ManualClock implements Clock {
    long nanos = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public long epochMicros() {
      return 1_700_000_000_000_000L + nanos / 1_000;
    }

    @Override
    public void sleep(long n) {
      sleeps.add(n);
      nanos += n;
    }
  }

  @Test
  void recordsAreDueOnAFixedScheduleFromTheStart() {
    ManualClock clock = new ManualClock();
    Pacer pacer = new Pacer(1_000, clock);
    pacer.start();
    long start = clock.epochMicros();

    assertThat(pacer.awaitDue(0)).isEqualTo(start);
    assertThat(pacer.awaitDue(1)).isEqualTo(start + 1_000);
    assertThat(pacer.awaitDue(2)).isEqualTo(start + 2_000);
    assertThat(clock.sleeps).containsExactly(1_000_000L, 1_000_000L);
  }

  @Test
  void aSenderThatFallsBehindCatchesUpWithoutShiftingTheSchedule() {
    ManualClock clock = new ManualClock();
    Pacer pacer = new Pacer(100, clock);
    pacer.start();
    long start = clock.epochMicros();
    pacer.awaitDue(0);

    clock.nanos += 55_000_000L; // a 55 ms stall: records 1-5 are overdue
    for (int n = 1; n <= 5; n++) {
      assertThat(pacer.awaitDue(n)).as("due time of %d", n).isEqualTo(start + n * 10_000L);
    }
    assertThat(clock.sleeps).isEmpty();
    pacer.awaitDue(6);
    assertThat(clock.sleeps).containsExactly(5_000_000L);
  }

  @Test
  void achievedRateTracksTheRequestedRate() {
    ManualClock clock = new ManualClock();
    Pacer pacer = new Pacer(20_000, clock);
    pacer.start();
    for (int n = 0; n < 200_000; n++) {
      pacer.awaitDue(n);
    }
    double seconds = pacer.elapsedNanos() / 1e9;
    assertThat(199_999 / seconds).isCloseTo(20_000, org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void rateZeroNeverWaits() {
    ManualClock clock = new ManualClock();
    Pacer pacer = new Pacer(0, clock);
    pacer.start();
    for (int n = 0; n < 1000; n++) {
      assertThat(pacer.awaitDue(n)).isEqualTo(clock.epochMicros());
    }
    assertThat(clock.sleeps).isEmpty();
  }
}
