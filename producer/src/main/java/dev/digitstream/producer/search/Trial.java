package dev.digitstream.producer.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.digitstream.producer.verify.Latency;
import dev.digitstream.producer.verify.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One trial of a rate search: an open-loop run at one rate, verified, and judged.
 *
 * @param rate the offered rate, records per second
 * @param runId the run id of its records, its own so that trials do not mix
 * @param sent records sent
 * @param missing records not accounted for: valid ones with neither a prediction nor a review
 *     request, malformed ones with no dead letter
 * @param latency from the intended send time to the prediction or review request
 * @param failures why it failed, one phrase a reason; empty when it passed
 */
public record Trial(
    long rate, String runId, long sent, long missing, Latency latency, List<String> failures) {

  public Trial {
    failures = List.copyOf(failures);
  }

  /** Whether the pipeline sustained the rate: every record accounted for, once, in time. */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public boolean passed() {
    return failures.isEmpty();
  }

  /**
   * Judges a verified run at {@code rate}: it passes when something was sent, the broker took every
   * record, every record came out exactly once as it should (nothing missing, duplicated,
   * unexpected or dead-lettered for the wrong reason), and the p99 latency from the intended send
   * time is within {@code p99Objective}.
   */
  public static Trial judge(
      long rate,
      String runId,
      long sent,
      long sendErrors,
      Verification verification,
      Duration p99Objective) {
    Verification v = verification;
    long missing = v.missing() + v.deadLettersMissing();
    double objectiveMs = p99Objective.toNanos() / 1e6;
    List<String> failures = new ArrayList<>();
    if (sent == 0) {
      failures.add("nothing sent");
    }
    count(failures, sendErrors, "send errors");
    count(failures, missing, "missing");
    count(failures, v.duplicated(), "duplicated");
    count(failures, v.unexpected(), "unexpected");
    count(failures, v.wrongReason(), "with the wrong dead-letter reason");
    if (v.latency().p99Ms() > objectiveMs) {
      failures.add(
          String.format(
              Locale.ROOT, "p99 %.1f ms > %s ms", v.latency().p99Ms(), milliseconds(objectiveMs)));
    }
    return new Trial(rate, runId, sent, missing, v.latency(), failures);
  }

  /** {@code ms} as a person writes it: no decimals when whole. */
  public static String milliseconds(double ms) {
    return ms == Math.rint(ms)
        ? String.format(Locale.ROOT, "%,.0f", ms)
        : String.format(Locale.ROOT, "%,.1f", ms);
  }

  private static void count(List<String> failures, long count, String what) {
    if (count > 0) {
      failures.add(String.format(Locale.ROOT, "%,d %s", count, what));
    }
  }
}
