package dev.digitstream.producer.report;

import dev.digitstream.producer.search.RateSearch;
import dev.digitstream.producer.search.Trial;
import dev.digitstream.producer.verify.Latency;
import java.util.Comparator;
import java.util.Locale;

/** The lines a person reads of a rate search: one per trial, and the result. */
public final class SearchSummary {

  private SearchSummary() {}

  /** The line of trial {@code number} (from 1): rate, latency, missing records, verdict. */
  public static String trial(int number, Trial trial) {
    Latency l = trial.latency();
    return String.format(
        Locale.ROOT,
        "trial %2d  %,7d images/s  p50 %.1f  p99 %.1f  p99.9 %.1f ms  missing %,d  %s",
        number,
        trial.rate(),
        l.p50Ms(),
        l.p99Ms(),
        l.p999Ms(),
        trial.missing(),
        trial.passed() ? "passed" : "FAILED (" + String.join(", ", trial.failures()) + ")");
  }

  /**
   * The result: the maximum sustainable rate with its latency and why the search ended there; when
   * no rate passed, why not.
   */
  public static String result(RunReport.Search search) {
    RateSearch.Result result = search.result();
    Trial maximum = result.maximum();
    String objective = Trial.milliseconds(search.p99ObjectiveMs());
    if (maximum == null) {
      return result.end() == RateSearch.End.BELOW_MIN_RATE
          ? String.format(
              Locale.ROOT,
              "even the minimum rate, %,d images/s, is not sustained: %s",
              search.bounds().minRate(),
              String.join(", ", result.trials().get(0).failures()))
          : "stopped before any rate passed";
    }
    return String.format(
        Locale.ROOT,
        "maximum sustainable rate: %,d images/s (p99 %.1f ms <= objective %s ms, %,d missing)%s",
        maximum.rate(),
        maximum.latency().p99Ms(),
        objective,
        maximum.missing(),
        why(search, maximum));
  }

  private static String why(RunReport.Search search, Trial maximum) {
    RateSearch.Result result = search.result();
    return switch (result.end()) {
      case CONVERGED ->
          result.trials().stream()
              .filter(t -> !t.passed() && t.rate() > maximum.rate())
              .min(Comparator.comparingLong(Trial::rate))
              .map(t -> String.format(Locale.ROOT, "; %,d images/s failed", t.rate()))
              .orElse("");
      case AT_MAX_RATE -> "; the highest rate searched (--max-rate), the pipeline may sustain more";
      case TRIAL_LIMIT -> "; --max-trials reached before the precision";
      case STOPPED -> "; stopped before the search ended";
      case BELOW_MIN_RATE -> "";
    };
  }
}
