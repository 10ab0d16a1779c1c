package dev.digitstream.producer;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.UserFacingException;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.report.SearchSummary;
import dev.digitstream.producer.search.RateSearch;
import dev.digitstream.producer.search.Trial;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code --find-max-rate}: a {@link RateSearch} whose trials are verified {@link LoadRun}s, each
 * with its own run id ({@code <run id>-t<n>}) on the same topics. A trial ends only once the
 * verifier has accounted for every acknowledged record (or given up after {@code --verify-timeout}
 * of silence), so the pipeline has drained before the next one starts. The warm-up, if any, runs
 * once, before the first trial, at its rate.
 */
final class MaxRateSearch {

  private final ProducerOptions options;
  private final LoadRun load;
  private final Console console;
  private final BooleanSupplier stopRequested;
  private final String runId;
  private final Map<Long, RunReport> runs = new HashMap<>();
  private RunReport last;
  private int started;
  private int judged;

  MaxRateSearch(
      ProducerOptions options, LoadRun load, Console console, BooleanSupplier stopRequested) {
    this.options = options;
    this.load = load;
    this.console = console;
    this.stopRequested = stopRequested;
    this.runId = load.runId();
  }

  /**
   * Searches, printing a line per trial as it ends, and returns the run of the trial at the maximum
   * (of the last trial when none passed) with the search attached.
   */
  RunReport run() throws IOException, InterruptedException {
    var bounds =
        new RateSearch.Bounds(
            options.minRate, options.maxRate, options.searchPrecision, options.maxTrials);
    RateSearch.Result result =
        new RateSearch(bounds)
            .search(
                this::trial,
                stopRequested,
                trial -> console.println(SearchSummary.trial(++judged, trial)));
    Trial maximum = result.maximum();
    RunReport run = maximum != null ? runs.get(maximum.rate()) : last;
    var search =
        new RunReport.Search(
            options.p99Objective.toNanos() / 1e6,
            options.stepDuration.toNanos() / 1e9,
            bounds,
            result);
    if (run == null) {
      throw new UserFacingException("stopped before the first trial");
    }
    return run.withSearch(search);
  }

  private Trial trial(long rate) throws InterruptedException {
    started++;
    console.status(
        String.format(
            Locale.ROOT,
            "trial %d: %,d images/s for %.1f s",
            started,
            rate,
            options.stepDuration.toNanos() / 1e9));
    RunReport run =
        load.run(
            new LoadRun.Plan(
                runId + "-t" + started,
                rate,
                -1,
                options.stepDuration,
                started == 1 ? options.warmUp : null));
    runs.put(rate, run);
    last = run;
    return Trial.judge(
        rate,
        run.runId(),
        run.sent().records(),
        run.sent().errors(),
        run.verification(),
        options.p99Objective);
  }
}
