package dev.digitstream.producer;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.common.kafka.KafkaClientEnv;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.report.SummaryTable;
import dev.digitstream.producer.send.Clock;
import dev.digitstream.producer.send.Malformation;
import dev.digitstream.producer.send.Pacer;
import dev.digitstream.producer.send.Publisher;
import dev.digitstream.producer.source.ImageFolder;
import dev.digitstream.producer.source.Source;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.producer.verify.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code producer}: publishes labelled images at a set rate, open-loop, and with
 * {@code --verify} accounts for what comes out. Exit codes: 0 success, 1 failure (one line on
 * stderr), 2 bad options, 3 verification found records missing, duplicated, unexpected, or accuracy
 * below {@code --min-accuracy}.
 */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    version = "digit-stream producer 0.1.0",
    description =
        "Feeds labelled digit images to Kafka at a controlled rate and, with --verify, measures"
            + " what the pipeline makes of them: throughput, end-to-end latency, accuracy, and"
            + " every record accounted for.")
public final class ProducerCli implements Callable<Integer> {

  /** Exit code of a verified run that did not account for every record. */
  public static final int EXIT_INCOMPLETE = 3;

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

  @Spec private CommandSpec spec;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)")
  private String bootstrapServers;

  @Option(
      names = {"-t", "--topic"},
      defaultValue = "images",
      description = "input topic (default: ${DEFAULT-VALUE})")
  private String topic;

  @Option(
      names = "--dataset",
      defaultValue = "test",
      description = "MNIST set to send: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  private Dataset dataset;

  @Option(
      names = "--data-dir",
      description = "MNIST folder (default: $MNIST_DIR or data/mnist; downloaded when missing)")
  private Path dataDir;

  @Option(names = "--images", description = "an IDX image file to send instead of MNIST")
  private Path idxImages;

  @Option(names = "--labels", description = "the IDX label file that goes with --images")
  private Path idxLabels;

  @Option(
      names = "--image-dir",
      description =
          "a folder of PNG/JPEG files to send instead of MNIST, converted the MNIST way;"
              + " a parent folder named with one digit gives the label")
  private Path imageDir;

  @Option(names = "--strict", description = "fail instead of skipping unreadable image files")
  private boolean strict;

  @Option(
      names = {"-n", "--count"},
      description = "records to send (default: the source once; cycles the source if larger)")
  private Long count;

  @Option(
      names = {"-d", "--duration"},
      converter = DurationConverter.class,
      description = "send for this long, e.g. 30s, 5m (cycles the source)")
  private Duration duration;

  @Option(names = "--loop", description = "cycle the source until --count, --duration or Ctrl-C")
  private boolean loop;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "1000",
      description =
          "records per second, open-loop; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  private double rate;

  @Option(
      names = "--partitioning",
      defaultValue = "keyed",
      description =
          "keyed: the key picks the partition; spread: round-robin over all partitions"
              + " (default: ${DEFAULT-VALUE})")
  private Partitioning partitioning;

  @Option(
      names = "--malformed-fraction",
      defaultValue = "0",
      description =
          "fraction of records deliberately malformed (wrong length, empty, bad label header),"
              + " for the dead-letter path (default: ${DEFAULT-VALUE})")
  private double malformedFraction;

  @Option(
      names = {"-X", "--property"},
      paramLabel = "KEY=VALUE",
      description = "a Kafka client property, e.g. -X security.protocol=SASL_SSL (repeatable)")
  private Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--client-config",
      description = "a properties file of Kafka client settings (security, ...)")
  private Path clientConfig;

  @Option(
      names = "--warm-up",
      converter = DurationConverter.class,
      description =
          "send at the same rate for this long first, unmeasured, so JIT compilation and"
              + " connection set-up in the pipeline do not count")
  private Duration warmUp;

  @Option(names = "--verify", description = "read predictions and dead letters back and report")
  private boolean verify;

  @Option(
      names = "--output-topic",
      defaultValue = "predictions",
      description = "predictions topic read by --verify (default: ${DEFAULT-VALUE})")
  private String outputTopic;

  @Option(
      names = "--dlq-topic",
      defaultValue = "images-dlq",
      description = "dead-letter topic read by --verify (default: ${DEFAULT-VALUE})")
  private String dlqTopic;

  @Option(
      names = "--verify-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "give up waiting when nothing has arrived for this long (default: ${DEFAULT-VALUE})")
  private Duration verifyTimeout;

  @Option(
      names = "--min-accuracy",
      description = "with --verify, exit 3 when accuracy on labelled records is below this (0-1)")
  private Double minAccuracy;

  @Option(names = "--report", description = "also write the figures as JSON to this file")
  private Path reportFile;

  @Option(
      names = "--timeout",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "how long to wait for the broker before giving up (default: ${DEFAULT-VALUE})")
  private Duration timeout;

  @Option(names = "--run-id", description = "prefix of the record keys (default: random)")
  private String runId;

  private final Map<String, String> env;
  private final BooleanSupplier stopRequested;

  ProducerCli(Map<String, String> env, BooleanSupplier stopRequested) {
    this.env = env;
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
    CommandLine cli = new CommandLine(new ProducerCli(env, stop));
    return Cli.withOneLineErrors(
            cli,
            "producer",
            e ->
                e instanceof IOException
                    || e instanceof KafkaException
                    || e instanceof IllegalArgumentException,
            line -> {
              cli.getErr().println(line);
              cli.getErr().flush();
            })
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Source source = loadSource(err);
    Map<String, Object> client = clientProperties();
    List<String> topics = verify ? List.of(topic, outputTopic, dlqTopic) : List.of(topic);
    int partitions = new TopicCheck(client, timeout).partitions(topics).get(topic);
    String id = runId != null ? runId : UUID.randomUUID().toString().substring(0, 8);
    long limit = count != null ? count : (loop || duration != null ? -1 : source.images().count());
    Malformation.Plan malformed = Malformation.Plan.of(malformedFraction);
    var plan =
        new Publisher.Plan(
            topic,
            id,
            limit,
            duration,
            partitioning == Partitioning.spread ? partitions : 0,
            malformed);
    Instant startedAt = Instant.now();
    try (var producer =
            new KafkaProducer<>(
                producerProperties(client), new ByteArraySerializer(), new ByteArraySerializer());
        Verifier verifier = verify ? verifier(client, id, malformed, source) : null) {
      if (warmUp != null && !warmUp.isZero()) {
        err.printf("warming up for %d s (unmeasured)%n", warmUp.toSeconds());
        err.flush();
        var warmUpPlan =
            new Publisher.Plan(
                topic, id + "-warmup", -1, warmUp, plan.partitions(), Malformation.Plan.of(0));
        new Publisher(producer, source.images(), warmUpPlan, new Pacer(rate, Clock.SYSTEM))
            .run(stopRequested);
      }
      Publisher publisher =
          new Publisher(producer, source.images(), plan, new Pacer(rate, Clock.SYSTEM));
      long startNanos = System.nanoTime();
      try (Progress progress =
          new Progress(publisher.stats(), verifier, limit, System.console() != null, err)) {
        publisher.run(stopRequested);
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      var stats = publisher.stats();
      var sent =
          new RunReport.Sent(
              stats.sent(),
              stats.malformedSent(),
              stats.acknowledged(),
              stats.errors(),
              stats.firstError(),
              source.skipped().size(),
              seconds,
              stats.sent() / seconds);
      Verification verification = null;
      if (verifier != null) {
        BitSet acknowledged = stats.acknowledgedRecords();
        verifier.await(acknowledged, verifyTimeout, Duration.ofSeconds(1), stopRequested);
        verification = verifier.finish(acknowledged);
      }
      RunReport report =
          new RunReport(id, startedAt, source.description(), topic, rate, sent, verification);
      out.print(SummaryTable.render(report));
      out.flush();
      if (reportFile != null) {
        report.write(reportFile);
      }
      return exitCode(report);
    }
  }

  private int exitCode(RunReport report) {
    Verification v = report.verification();
    if (v == null) {
      return report.sent().errors() == 0 ? 0 : 1;
    }
    boolean accurate = minAccuracy == null || (v.accuracy() != null && v.accuracy() >= minAccuracy);
    return v.complete() && accurate && report.sent().errors() == 0 ? 0 : EXIT_INCOMPLETE;
  }

  private void validate() {
    int sources = (idxImages != null ? 1 : 0) + (imageDir != null ? 1 : 0);
    if (sources > 1) {
      throw usage("--images and --image-dir are alternatives; give one");
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
    if (minAccuracy != null && !verify) {
      throw usage("--min-accuracy needs --verify");
    }
    if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
      throw usage("--min-accuracy must be within 0..1, got " + minAccuracy);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private Source loadSource(PrintWriter err) throws IOException {
    if (idxImages != null) {
      return Source.idx(idxImages, idxLabels);
    }
    if (imageDir == null) {
      return Source.mnist(dataset == Dataset.train, dataDir, env);
    }
    Source source = Source.folder(imageDir);
    for (ImageFolder.Skipped skipped : source.skipped()) {
      if (strict) {
        throw new IOException("%s: %s (--strict)".formatted(skipped.file(), skipped.reason()));
      }
      err.println("producer: warning: skipped " + skipped.file() + ": " + skipped.reason());
    }
    err.flush();
    return source;
  }

  /** Client settings: $KAFKA_CFG_*, then --client-config, then -X, then the bootstrap servers. */
  private Map<String, Object> clientProperties() throws IOException {
    Map<String, Object> props = new HashMap<>(KafkaClientEnv.properties(env));
    if (clientConfig != null) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(clientConfig)) {
        file.load(in);
      } catch (IOException e) {
        throw new IOException("cannot read client config " + clientConfig + ": " + e, e);
      }
      file.forEach((k, v) -> props.put((String) k, v));
    }
    props.putAll(properties);
    String servers =
        bootstrapServers != null
            ? bootstrapServers
            : env.getOrDefault(
                "KAFKA_BOOTSTRAP_SERVERS",
                (String)
                    props.getOrDefault(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return props;
  }

  /** Durable, ordered, batched: acks from all replicas, idempotence, 5 ms linger. */
  private Map<String, Object> producerProperties(Map<String, Object> client) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.putAll(client);
    return props;
  }

  private Verifier verifier(
      Map<String, Object> client, String id, Malformation.Plan malformed, Source source) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    var consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    int count = source.images().count();
    return new Verifier(
        consumer,
        outputTopic,
        dlqTopic,
        id,
        malformed,
        n -> source.images().label((int) (n % count)),
        Clock.SYSTEM);
  }

  /** Parses durations written as 500ms, 30s, 5m, 1h, or ISO-8601 (PT30S). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (v.startsWith("pt")) {
          return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long amount = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(amount);
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          default -> throw new CommandLine.TypeConversionException("");
        };
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (use e.g. 500ms, 30s, 5m, 1h)");
      }
    }
  }
}
