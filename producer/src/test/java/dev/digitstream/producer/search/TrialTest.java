package dev.digitstream.producer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.producer.verify.Latency;
import dev.digitstream.producer.verify.Verification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialTest {

  private static final Duration OBJECTIVE = Duration.ofMillis(500);

  /** What a verifier finds: the given faults, latency p99 {@code p99Ms}. */
  private static Verification found(
      long missing, long duplicated, long unexpected, long deadLettersMissing, double p99Ms) {
    return new Verification(
        1_000 - missing,
        missing,
        duplicated,
        0,
        deadLettersMissing,
        List.of(),
        0,
        Map.of(),
        unexpected,
        1_000,
        new Latency(1_000 - missing, 10, 8, 20, p99Ms, p99Ms + 5, p99Ms + 10),
        0,
        0,
        Map.of(),
        0,
        Map.of(),
        Map.of());
  }

  @Test
  void shouldPassWhenEveryRecordCameOutOnceWithinTheObjective() {
    Trial trial = Trial.judge(1_000, "r-t1", 1_000, 0, found(0, 0, 0, 0, 500), OBJECTIVE);

    assertThat(trial.passed()).isTrue();
    assertThat(trial.failures()).isEmpty();
    assertThat(trial.missing()).isZero();
    assertThat(trial.latency().p99Ms()).isEqualTo(500);
  }

  @Test
  void shouldFailOnLatencyAboveTheObjectiveNamingBoth() {
    Trial trial = Trial.judge(1_000, "r-t1", 1_000, 0, found(0, 0, 0, 0, 500.1), OBJECTIVE);

    assertThat(trial.passed()).isFalse();
    assertThat(trial.failures()).containsExactly("p99 500.1 ms > 500 ms");
  }

  @Test
  void shouldFailOnEveryRecordNotAccountedForExactlyOnceAndSaySo() {
    Trial trial =
        Trial.judge(1_000, "r-t1", 1_000, 2, found(3, 4, 5, 6, 10), Duration.ofMillis(250));

    assertThat(trial.passed()).isFalse();
    assertThat(trial.missing()).as("valid and malformed records both").isEqualTo(9);
    assertThat(trial.failures())
        .containsExactly("2 send errors", "9 missing", "4 duplicated", "5 unexpected");
  }

  @Test
  void shouldFailATrialThatSentNothing() {
    Trial trial = Trial.judge(1_000, "r-t1", 0, 0, found(0, 0, 0, 0, 0), OBJECTIVE);

    assertThat(trial.failures()).containsExactly("nothing sent");
  }

  @Test
  void shouldWriteMillisecondsAsAPersonDoes() {
    assertThat(Trial.milliseconds(500)).isEqualTo("500");
    assertThat(Trial.milliseconds(1_500)).isEqualTo("1,500");
    assertThat(Trial.milliseconds(0.25)).isEqualTo("0.3");
  }
}
