package dev.digitstream.producer;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.UserFacingException;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.report.SearchSummary;
import dev.digitstream.producer.report.SummaryTable;
import dev.digitstream.producer.verify.Verification;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Entry point of {@code producer}: publishes labelled images at a set rate, open-loop, and with
 * {@code --verify} accounts for what comes out; with {@code --find-max-rate} searches for the
 * highest rate the pipeline sustains ({@link MaxRateSearch}). The options are {@link
 * ProducerOptions}, the Kafka client settings {@link ClientSettings}, the run itself {@link
 * LoadRun}; here are the summary and the exit codes: 0 success, 1 failure (one line on stderr; for
 * a search, no rate sustained), 2 bad options, 3 verification found records missing, duplicated,
 * unexpected, or accuracy below {@code --min-accuracy}.
 */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    version = "digit-stream producer 0.1.0",
    description =
        "Feeds labelled digit images to Kafka at a controlled rate and, with --verify, measures"
            + " what the pipeline makes of them: throughput, end-to-end latency, accuracy, and"
            + " every record accounted for; with --find-max-rate, searches for the highest rate"
            + " the pipeline sustains within a p99 latency objective, nothing missing.")
public final class ProducerCli implements Callable<Integer> {

  /** Exit code of a verified run that did not account for every record. */
  public static final int EXIT_INCOMPLETE = 3;

  @Mixin private ProducerOptions options;

  private final Map<String, String> env;
  private final Console console;
  private final BooleanSupplier stopRequested;

  private ProducerCli(Map<String, String> env, Console console, BooleanSupplier stopRequested) {
    this.env = env;
    this.console = console;
    this.stopRequested = stopRequested;
  }

  /** Runs the command line; Ctrl-C stops sending, and the summary of what was sent still prints. */
  public static void main(String[] args) {
    Cli.exitAfter(Duration.ofSeconds(15), stop -> run(args, System.getenv(), stop));
  }

  /**
   * Runs the command line and returns its exit code.
   *
   * @param stop polled while running: once true, sending stops and the run ends with its summary
   */
  public static int run(String[] args, Map<String, String> env, BooleanSupplier stop) {
    Console console = Console.system();
    return Cli.withOneLineErrors(
            new CommandLine(new ProducerCli(env, console, stop)), "producer", console)
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    options.validate();
    try (LoadRun load = LoadRun.open(options, env, console, stopRequested)) {
      return options.findMaxRate ? findMaxRate(load) : run(load);
    }
  }

  private int run(LoadRun load) throws IOException, InterruptedException {
    RunReport report = load.run(load.plan());
    console.print(SummaryTable.render(report));
    if (options.reportFile != null) {
      report.write(options.reportFile);
    }
    return exitCode(report);
  }

  /** Exit code 0 with the maximum on stdout; 1 with one line on stderr when no rate passed. */
  private int findMaxRate(LoadRun load) throws IOException, InterruptedException {
    RunReport report = new MaxRateSearch(options, load, console, stopRequested).run();
    if (options.reportFile != null) {
      report.write(options.reportFile);
    }
    String result = SearchSummary.result(report.search());
    if (report.search().result().maximum() == null) {
      throw new UserFacingException(result);
    }
    console.println(result);
    return 0;
  }

  private int exitCode(RunReport report) {
    Verification v = report.verification();
    if (v == null) {
      return report.sent().errors() == 0 ? 0 : 1;
    }
    boolean accurate =
        options.minAccuracy == null
            || (v.accuracy() != null && v.accuracy() >= options.minAccuracy);
    return v.complete() && accurate && report.sent().errors() == 0 ? 0 : EXIT_INCOMPLETE;
  }
}
