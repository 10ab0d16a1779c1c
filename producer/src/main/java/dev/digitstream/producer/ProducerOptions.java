package dev.digitstream.producer;

import dev.digitstream.common.cli.DurationConverter;
import dev.digitstream.common.images.OutOfDistributionSets;
import dev.digitstream.producer.source.Mix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The producer's options, as parsed, and the checks between them that picocli cannot make. The
 * fields are read by {@link LoadRun} and {@link ClientSettings}; nothing here talks to Kafka.
 */
final class ProducerOptions {

  /** The datasets of the MNIST folder. */
  enum Dataset {
    test,
    train
  }

  /** How records are assigned to partitions. */
  enum Partitioning {
    keyed,
    spread
  }

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)")
  String bootstrapServers;

  @Option(
      names = {"-t", "--topic"},
      defaultValue = "images",
      description = "input topic (default: ${DEFAULT-VALUE})")
  String topic;

  @Option(
      names = "--dataset",
      defaultValue = "test",
      description = "MNIST set to send: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Dataset dataset;

  @Option(
      names = "--data-dir",
      description = "MNIST folder (default: $MNIST_DIR or data/mnist; downloaded when missing)")
  Path dataDir;

  @Option(names = "--images", description = "an IDX image file to send instead of MNIST")
  Path idxImages;

  @Option(names = "--labels", description = "the IDX label file that goes with --images")
  Path idxLabels;

  @Option(
      names = "--image-dir",
      description =
          "a folder of PNG/JPEG files to send instead of MNIST, converted the MNIST way;"
              + " a parent folder named with one digit gives the label")
  Path imageDir;

  @Option(names = "--strict", description = "fail instead of skipping unreadable image files")
  boolean strict;

  @Option(
      names = "--mix",
      paramLabel = "SPEC",
      converter = Mix.Converter.class,
      description =
          "send a seeded mixture of sources instead of --dataset, --images or --image-dir, e.g."
              + " test:0.95,letters:0.05; sources: test, train (MNIST) and the"
              + " out-of-distribution sets letters, noise, blank, inverted, crops (unlabelled);"
              + " shares positive, summing to 1")
  Mix mix;

  @Option(
      names = "--seed",
      defaultValue = "" + OutOfDistributionSets.DEFAULT_SEED,
      description =
          "with --mix: the seed of the order of the sources and of the generated images"
              + " (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = {"-n", "--count"},
      description = "records to send (default: the source once; cycles the source if larger)")
  Long count;

  @Option(
      names = {"-d", "--duration"},
      converter = DurationConverter.class,
      description = "send for this long, e.g. 30s, 5m (cycles the source)")
  Duration duration;

  @Option(names = "--loop", description = "cycle the source until --count, --duration or Ctrl-C")
  boolean loop;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "1000",
      description =
          "records per second, open-loop; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--partitioning",
      defaultValue = "keyed",
      description =
          "keyed: the key picks the partition; spread: round-robin over all partitions"
              + " (default: ${DEFAULT-VALUE})")
  Partitioning partitioning;

  @Option(
      names = "--malformed-fraction",
      defaultValue = "0",
      description =
          "fraction of records deliberately malformed (wrong length, empty, bad label header),"
              + " for the dead-letter path (default: ${DEFAULT-VALUE})")
  double malformedFraction;

  @Option(
      names = {"-X", "--property"},
      paramLabel = "KEY=VALUE",
      description = "a Kafka client property, e.g. -X security.protocol=SASL_SSL (repeatable)")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--client-config",
      description = "a properties file of Kafka client settings (security, ...)")
  Path clientConfig;

  @Option(
      names = "--warm-up",
      converter = DurationConverter.class,
      description =
          "send at the same rate for this long first, unmeasured, so JIT compilation and"
              + " connection set-up in the pipeline do not count")
  Duration warmUp;

  @Option(names = "--verify", description = "read predictions and dead letters back and report")
  boolean verify;

  @Option(
      names = "--output-topic",
      defaultValue = "predictions",
      description = "predictions topic read by --verify (default: ${DEFAULT-VALUE})")
  String outputTopic;

  @Option(
      names = "--review-topic",
      defaultValue = "review",
      description =
          "review topic read by --verify; empty when the stream-app runs without review"
              + " (default: ${DEFAULT-VALUE})")
  String reviewTopic;

  @Option(
      names = "--dlq-topic",
      defaultValue = "images-dlq",
      description = "dead-letter topic read by --verify (default: ${DEFAULT-VALUE})")
  String dlqTopic;

  @Option(
      names = "--verify-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "give up waiting when nothing has arrived for this long (default: ${DEFAULT-VALUE})")
  Duration verifyTimeout;

  @Option(
      names = "--min-accuracy",
      description =
          "with --verify, exit 3 when the accepted accuracy (of the predictions of labelled"
              + " records) is below this (0-1)")
  Double minAccuracy;

  @Option(
      names = "--find-max-rate",
      description =
          "search for the highest rate the pipeline sustains (open-loop, verified: nothing"
              + " missing or duplicated, p99 within --p99-objective), one trial of"
              + " --step-duration per rate, doubling from --min-rate, then bisecting")
  boolean findMaxRate;

  @Option(
      names = "--p99-objective",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description =
          "with --find-max-rate: the p99 latency from the intended send time a trial must stay"
              + " within (default: ${DEFAULT-VALUE})")
  Duration p99Objective;

  @Option(
      names = "--step-duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "with --find-max-rate: how long each trial sends (default: ${DEFAULT-VALUE})")
  Duration stepDuration;

  @Option(
      names = "--min-rate",
      defaultValue = "100",
      description =
          "with --find-max-rate: the first rate tried, images/s (default: ${DEFAULT-VALUE})")
  long minRate;

  @Option(
      names = "--max-rate",
      defaultValue = "20000",
      description =
          "with --find-max-rate: the highest rate tried, images/s (default: ${DEFAULT-VALUE})")
  long maxRate;

  @Option(
      names = "--search-precision",
      defaultValue = "0.05",
      description =
          "with --find-max-rate: stop once the lowest failing rate is within this fraction above"
              + " the highest passing one (default: ${DEFAULT-VALUE})")
  double searchPrecision;

  @Option(
      names = "--max-trials",
      defaultValue = "20",
      description = "with --find-max-rate: stop after this many trials (default: ${DEFAULT-VALUE})")
  int maxTrials;

  @Option(names = "--report", description = "also write the figures as JSON to this file")
  Path reportFile;

  @Option(
      names = "--timeout",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "how long to wait for the broker before giving up (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--run-id", description = "prefix of the record keys (default: random)")
  String runId;

  /**
   * Fails with a usage error (exit code 2) for values out of range and options that do not go
   * together.
   */
  void validate() {
    int sources = (idxImages != null ? 1 : 0) + (imageDir != null ? 1 : 0);
    if (sources > 1) {
      throw usage("--images and --image-dir are alternatives; give one");
    }
    if (mix != null && (sources > 0 || given("--dataset"))) {
      throw usage("--mix replaces --dataset, --images and --image-dir; give one");
    }
    if (mix == null && given("--seed")) {
      throw usage("--seed needs --mix");
    }
    if ((idxImages == null) != (idxLabels == null)) {
      throw usage("--images and --labels go together");
    }
    if (count != null && count <= 0) {
      throw usage("--count must be positive, got " + count);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw usage("--duration must be positive");
    }
    if (warmUp != null && warmUp.isNegative()) {
      throw usage("--warm-up must not be negative");
    }
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw usage("--rate must be 0 (as fast as possible) or positive, got " + rate);
    }
    if (!(malformedFraction >= 0 && malformedFraction <= 1)) {
      throw usage("--malformed-fraction must be within 0..1, got " + malformedFraction);
    }
    validateSearch();
    if (minAccuracy != null && !verify) {
      throw usage("--min-accuracy needs --verify");
    }
    if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
      throw usage("--min-accuracy must be within 0..1, got " + minAccuracy);
    }
  }

  /** Whether the run reads the outputs back: {@code --verify}, or a rate search, which must. */
  boolean verifying() {
    return verify || findMaxRate;
  }

  private void validateSearch() {
    List<String> searchOptions =
        List.of(
            "--p99-objective",
            "--step-duration",
            "--min-rate",
            "--max-rate",
            "--search-precision",
            "--max-trials");
    if (!findMaxRate) {
      for (String option : searchOptions) {
        if (given(option)) {
          throw usage(option + " needs --find-max-rate");
        }
      }
      return;
    }
    for (String option : List.of("--rate", "--count", "--duration", "--loop")) {
      if (given(option)) {
        throw usage(
            "--find-max-rate sets the rate and sends --step-duration per trial; "
                + option
                + " does not go with it");
      }
    }
    if (minAccuracy != null) {
      throw usage("--min-accuracy does not go with --find-max-rate");
    }
    if (!(p99Objective.toNanos() > 0)) {
      throw usage("--p99-objective must be positive");
    }
    if (!(stepDuration.toNanos() > 0)) {
      throw usage("--step-duration must be positive");
    }
    if (minRate < 1 || maxRate < minRate) {
      throw usage(
          "--min-rate and --max-rate must satisfy 1 <= min <= max, got %d and %d"
              .formatted(minRate, maxRate));
    }
    if (!(searchPrecision > 0)) {
      throw usage("--search-precision must be positive, got " + searchPrecision);
    }
    if (maxTrials < 1) {
      throw usage("--max-trials must be positive, got " + maxTrials);
    }
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
