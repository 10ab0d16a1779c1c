package dev.digitstream.testsupport;

import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading samples out of a Prometheus text-format scrape, for tests and benchmarks. */
public final class PrometheusScrape {

  /** Kafka Streams' commits by stream thread, as Micrometer exposes them. */
  public static final String STREAMS_COMMITS = "kafka_stream_thread_commit_total";

  private PrometheusScrape() {}

  /**
   * The value of the first sample named {@code series} (which may include its labels, e.g. {@code
   * name{reason="size"}}; if it does not, any labels match), or NaN when there is none.
   */
  public static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** The sum over all series of {@code metric} (whatever their labels); 0 when there is none. */
  public static double sum(String scrape, String metric) {
    return series(scrape, metric).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * Each series of {@code metric} by its labels ({@code {a="1",b="2"}}, empty for none; a label set
   * that repeats, which valid output never does, keeps its last value).
   */
  public static SortedMap<String, Double> series(String scrape, String metric) {
    SortedMap<String, Double> series = new TreeMap<>();
    scrape
        .lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .forEach(
            l ->
                series.put(
                    l.substring(metric.length(), l.lastIndexOf(' ')),
                    Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
    return series;
  }

  /**
   * The cumulative buckets of a histogram ({@code <histogram>_bucket} samples), summed over its
   * other labels, by upper bound ({@code +Inf} as {@link Double#POSITIVE_INFINITY}).
   */
  public static SortedMap<Double, Double> buckets(String scrape, String histogram) {
    Pattern sample =
        Pattern.compile(
            "^" + Pattern.quote(histogram) + "_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} (\\S+)$");
    SortedMap<Double, Double> buckets = new TreeMap<>();
    scrape
        .lines()
        .map(sample::matcher)
        .filter(Matcher::matches)
        .forEach(
            m ->
                buckets.merge(
                    m.group(1).equals("+Inf")
                        ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(m.group(1)),
                    Double.parseDouble(m.group(2)),
                    Double::sum));
    return buckets;
  }

  /**
   * The {@code q} quantile of what was observed between two scrapes of the same histogram ({@link
   * #buckets}): the upper bound of the first bucket that holds it; NaN when nothing was observed.
   */
  public static double quantileBetween(
      SortedMap<Double, Double> before, SortedMap<Double, Double> after, double q) {
    double total =
        after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
            - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return Double.NaN;
    }
    for (var bucket : after.entrySet()) {
      double count = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
      if (count >= q * total) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** The names of the metrics with a sample in the scrape (without labels). */
  public static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }
}
