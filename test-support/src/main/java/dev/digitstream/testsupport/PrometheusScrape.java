package dev.digitstream.testsupport;

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
}
