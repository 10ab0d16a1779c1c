package dev.digitstream.producer.report;

import dev.digitstream.producer.source.Mix;
import dev.digitstream.producer.verify.Latency;
import dev.digitstream.producer.verify.SourceFigures;
import dev.digitstream.producer.verify.Verification;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The end-of-run summary a person reads: one labelled row per figure. */
public final class SummaryTable {

  private SummaryTable() {}

  public static String render(RunReport report) {
    StringBuilder out = new StringBuilder();
    RunReport.Sent sent = report.sent();
    row(out, "run", "%s  source %s  topic %s", report.runId(), report.source(), report.topic());
    row(
        out,
        "sent",
        "%,d records (%,d malformed) in %.1f s = %,.0f rec/s (requested %s)",
        sent.records(),
        sent.malformed(),
        sent.seconds(),
        sent.recordsPerSecond(),
        report.requestedRate() == 0
            ? "as fast as possible"
            : String.format(Locale.ROOT, "%,.0f", report.requestedRate()));
    row(
        out,
        "acknowledged",
        "%,d  errors %,d%s",
        sent.acknowledged(),
        sent.errors(),
        sent.firstError() == null ? "" : "  first: " + sent.firstError());
    if (sent.skippedFiles() > 0) {
      row(out, "skipped files", "%,d (unreadable images)", sent.skippedFiles());
    }
    Verification v = report.verification();
    if (v != null) {
      row(
          out,
          "predictions",
          "%,d at %,.0f /s  missing %,d  duplicated %,d  unexpected %,d",
          v.predictions(),
          v.predictionsPerSecond(),
          v.missing(),
          v.duplicated(),
          v.unexpected());
      row(out, "review", "%,d%s", v.reviewed(), byReason(v.reviewedByReason()));
      row(
          out,
          "dead letters",
          "%,d%s  missing %,d  wrong reason %,d",
          v.deadLettered(),
          byReason(v.deadLettersByReason()),
          v.deadLettersMissing(),
          v.wrongReason());
      if (!v.missingKeys().isEmpty()) {
        long unaccounted = v.missing() + v.deadLettersMissing();
        row(
            out,
            "missing keys",
            "%s%s",
            String.join(", ", v.missingKeys()),
            unaccounted > v.missingKeys().size()
                ? String.format(
                    Locale.ROOT, "  (first %d of %,d)", v.missingKeys().size(), unaccounted)
                : "");
      }
      Latency l = v.latency();
      row(
          out,
          "latency ms",
          "p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (from intended send time)",
          l.p50Ms(),
          l.p90Ms(),
          l.p99Ms(),
          l.p999Ms(),
          l.maxMs());
      row(
          out,
          "accuracy",
          "%s  coverage %s",
          v.accuracy() == null
              ? "- (no labelled predictions)"
              : String.format(
                  Locale.ROOT,
                  "accepted %.2f %% (%,d of %,d labelled predictions)",
                  v.accuracy() * 100,
                  v.correct(),
                  v.labelled()),
          v.coverage() == null
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.2f %% (predictions of predictions + review)",
                  v.coverage() * 100));
      if (v.byModelVersion().size() > 1) {
        v.byModelVersion()
            .forEach(
                (version, f) ->
                    row(
                        out,
                        "  by model",
                        "%s  %,d predictions  %s",
                        version,
                        f.predictions(),
                        f.accuracy() == null
                            ? "- (no labels)"
                            : String.format(
                                Locale.ROOT,
                                "%.2f %% (%,d of %,d labelled)",
                                f.accuracy() * 100,
                                f.correct(),
                                f.labelled())));
      }
      v.bySource().forEach((source, f) -> row(out, "  by source", "%s", bySource(source, f)));
      row(out, "result", v.complete() ? "complete" : "INCOMPLETE");
    }
    return out.toString();
  }

  private static String byReason(Map<String, Long> counts) {
    StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
    counts.forEach((reason, count) -> reasons.add(reason + " " + count));
    return reasons.toString();
  }

  /** One source of a mix: for an out-of-distribution set, what it predicts was wrongly booked. */
  private static String bySource(String source, SourceFigures f) {
    return String.format(
        Locale.ROOT,
        "%-8s %,d sent  review %s  predictions %s%s",
        source,
        f.sent(),
        percent(f.reviewShare()),
        percent(f.predictedShare()),
        Mix.outOfDistribution(source) ? " (wrongly booked: not a digit)" : "");
  }

  private static String percent(Double share) {
    return share == null ? "-" : String.format(Locale.ROOT, "%.2f %%", share * 100);
  }

  private static void row(StringBuilder out, String name, String format, Object... args) {
    out.append(String.format(Locale.ROOT, "%-14s", name))
        .append(String.format(Locale.ROOT, format, args))
        .append(System.lineSeparator());
  }
}
