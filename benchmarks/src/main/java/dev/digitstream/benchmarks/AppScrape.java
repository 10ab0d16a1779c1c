package dev.digitstream.benchmarks;

import dev.digitstream.testsupport.PrometheusScrape;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the stream-app's own metrics say between two scrapes of its {@code /metrics}. */
final class AppScrape {

  private AppScrape() {}

  /** Batch count, mean size and size distribution by flush reason, from the app's histogram. */
  static String batchSizes(String before, String after) {
    StringBuilder out = new StringBuilder();
    for (String reason : List.of("size", "delay", "target", "shutdown")) {
      double count =
          delta(before, after, "digitstream_batch_size_count{reason=\"" + reason + "\"}");
      double sum = delta(before, after, "digitstream_batch_size_sum{reason=\"" + reason + "\"}");
      if (count > 0) {
        out.append(String.format("%s: %.0f batches, mean %.1f; ", reason, count, sum / count));
      }
    }
    // le and reason are matched separately, whatever their order in the line.
    Matcher buckets =
        Pattern.compile("(?m)^(digitstream_batch_size_bucket\\{([^}]*)\\}) ").matcher(after);
    Pattern le = Pattern.compile("le=\"([^\"]+)\"");
    Pattern reason = Pattern.compile("reason=\"(size|delay|target)\"");
    StringBuilder hist = new StringBuilder("cumulative le:");
    while (buckets.find()) {
      Matcher bound = le.matcher(buckets.group(2));
      Matcher flush = reason.matcher(buckets.group(2));
      if (bound.find() && flush.find()) {
        hist.append(' ')
            .append(flush.group(1))
            .append('/')
            .append(bound.group(1))
            .append('=')
            .append((long) delta(before, after, buckets.group(1)));
      }
    }
    return out + hist.toString();
  }

  /** Seconds spent in each batch step, from the app's own timers. */
  static String stepTimes(String before, String after) {
    StringBuilder out = new StringBuilder("seconds in");
    for (String step : List.of("preprocess", "inference", "postprocess", "shadow")) {
      out.append(
          String.format(
              " %s %.2f",
              step,
              delta(
                  before, after, "digitstream_batch_duration_seconds_sum{step=\"" + step + "\"}")));
    }
    return out.toString();
  }

  /** A counter's increase between two scrapes. */
  static double delta(String before, String after, String series) {
    double earlier = PrometheusScrape.value(before, series);
    return PrometheusScrape.value(after, series) - (Double.isNaN(earlier) ? 0 : earlier);
  }
}
