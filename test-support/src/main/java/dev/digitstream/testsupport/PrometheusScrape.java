package dev.digitstream.testsupport;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading samples out of a Prometheus text-format scrape, for tests and benchmarks. */
public final class PrometheusScrape {

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
    return scrape
        .lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
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
