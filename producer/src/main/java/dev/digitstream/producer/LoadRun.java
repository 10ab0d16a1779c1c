package dev.digitstream.producer;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.kafka.TopicCheck;
import dev.digitstream.producer.ProducerOptions.Dataset;
import dev.digitstream.producer.ProducerOptions.Partitioning;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.send.Clock;
import dev.digitstream.producer.send.Malformation;
import dev.digitstream.producer.send.Pacer;
import dev.digitstream.producer.send.Publisher;
import dev.digitstream.producer.source.ImageFolder;
import dev.digitstream.producer.source.Source;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.producer.verify.Verifier;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load runs against one pipeline: {@link #open} loads the source, checks the broker and the topics
 * and connects; each {@link #run} then sends (after an unmeasured warm-up) at a rate while showing
 * progress, and when verifying accounts for what came out. A plain invocation is one run; a rate
 * search is one run per trial, on the same connection. Its figures are the {@link RunReport}; what
 * the exit code makes of them is {@link ProducerCli}'s.
 */
final class LoadRun implements AutoCloseable {

  /**
   * What one run sends.
   *
   * @param count records to send; negative for no limit (until {@code duration} or a stop)
   * @param duration how long to send; null for no limit
   * @param warmUp how long to send first, unmeasured, at the same rate; null for no warm-up
   */
  record Plan(String runId, double rate, long count, Duration duration, Duration warmUp) {}

  private final ProducerOptions options;
  private final Console console;
  private final BooleanSupplier stopRequested;
  private final Source source;
  private final ClientSettings client;
  private final Verifier.Topics outputs;
  private final int partitions;
  private final KafkaProducer<byte[], byte[]> producer;

  private LoadRun(
      ProducerOptions options,
      Console console,
      BooleanSupplier stopRequested,
      Source source,
      ClientSettings client,
      Verifier.Topics outputs,
      int partitions) {
    this.options = options;
    this.console = console;
    this.stopRequested = stopRequested;
    this.source = source;
    this.client = client;
    this.outputs = outputs;
    this.partitions = partitions;
    this.producer =
        new KafkaProducer<>(
            client.producer(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Loads the source, checks that the broker answers and the topics exist (the outputs too when
   * verifying), and connects.
   */
  static LoadRun open(
      ProducerOptions options,
      Map<String, String> env,
      Console console,
      BooleanSupplier stopRequested)
      throws IOException, InterruptedException {
    Source source = loadSource(options, env, console);
    ClientSettings client = ClientSettings.of(options, env);
    Verifier.Topics outputs =
        new Verifier.Topics(options.outputTopic, options.dlqTopic, options.reviewTopic);
    List<String> topics = new ArrayList<>(List.of(options.topic));
    if (options.verifying()) {
      topics.addAll(outputs.all());
    }
    int partitions =
        TopicCheck.partitions(client.common(), topics, client.timeout()).get(options.topic);
    return new LoadRun(options, console, stopRequested, source, client, outputs, partitions);
  }

  /** The run the options describe, when they describe one run (not a rate search). */
  Plan plan() {
    long count =
        options.count != null
            ? options.count
            : (options.loop || options.duration != null ? -1 : source.images().count());
    return new Plan(runId(), options.rate, count, options.duration, options.warmUp);
  }

  /** {@code --run-id}, or a random one. */
  String runId() {
    return options.runId != null ? options.runId : UUID.randomUUID().toString().substring(0, 8);
  }

  /** Runs the load and returns its figures; stops early, with figures, once stop is requested. */
  RunReport run(Plan run) throws InterruptedException {
    Malformation.Plan malformed = Malformation.Plan.of(options.malformedFraction);
    var plan =
        new Publisher.Plan(
            options.topic,
            run.runId(),
            run.count(),
            run.duration(),
            options.partitioning == Partitioning.spread ? partitions : 0,
            malformed);
    Instant startedAt = Instant.now();
    try (Verifier verifier = options.verifying() ? verifier(run.runId(), malformed) : null) {
      if (run.warmUp() != null && !run.warmUp().isZero()) {
        warmUp(
            run,
            new Publisher.Plan(
                options.topic,
                run.runId() + "-warmup",
                -1,
                run.warmUp(),
                plan.partitions(),
                Malformation.Plan.of(0)));
      }
      Publisher publisher =
          new Publisher(producer, source.images(), plan, new Pacer(run.rate(), Clock.SYSTEM));
      long startNanos = System.nanoTime();
      try (Progress progress = new Progress(publisher.stats(), verifier, run.count(), console)) {
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
        verifier.await(acknowledged, options.verifyTimeout, Duration.ofSeconds(1), stopRequested);
        verification = verifier.finish(acknowledged);
      }
      return new RunReport(
          run.runId(),
          startedAt,
          source.description(),
          options.topic,
          run.rate(),
          sent,
          verification);
    }
  }

  @Override
  public void close() {
    producer.close();
  }

  private void warmUp(Plan run, Publisher.Plan plan) {
    console.status("warming up for %d s (unmeasured)".formatted(run.warmUp().toSeconds()));
    new Publisher(producer, source.images(), plan, new Pacer(run.rate(), Clock.SYSTEM))
        .run(stopRequested);
  }

  private static Source loadSource(
      ProducerOptions options, Map<String, String> env, Console console) throws IOException {
    if (options.mix != null) {
      return Source.mix(options.mix, options.seed, options.dataDir, env);
    }
    if (options.idxImages != null) {
      return Source.idx(options.idxImages, options.idxLabels);
    }
    if (options.imageDir == null) {
      return Source.mnist(options.dataset == Dataset.train, options.dataDir, env);
    }
    Source source = Source.folder(options.imageDir);
    for (ImageFolder.Skipped skipped : source.skipped()) {
      if (options.strict) {
        throw new IOException("%s: %s (--strict)".formatted(skipped.file(), skipped.reason()));
      }
      console.status("producer: warning: skipped " + skipped.file() + ": " + skipped.reason());
    }
    return source;
  }

  private Verifier verifier(String runId, Malformation.Plan malformed) {
    var consumer =
        new KafkaConsumer<>(
            client.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    return new Verifier(
        consumer, outputs, runId, malformed, source::labelOf, source::partOf, Clock.SYSTEM);
  }
}
