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
 * One load run: loads the source, checks the broker and the topics, sends (after an unmeasured
 * warm-up) at the set rate while showing progress, and with {@code --verify} accounts for what came
 * out. Its figures are the {@link RunReport}; what the exit code makes of them is {@link
 * ProducerCli}'s.
 */
final class LoadRun {

  private final ProducerOptions options;
  private final Map<String, String> env;
  private final Console console;
  private final BooleanSupplier stopRequested;

  LoadRun(
      ProducerOptions options,
      Map<String, String> env,
      Console console,
      BooleanSupplier stopRequested) {
    this.options = options;
    this.env = env;
    this.console = console;
    this.stopRequested = stopRequested;
  }

  /** Runs the load and returns its figures; stops early, with figures, once stop is requested. */
  RunReport run() throws IOException, InterruptedException {
    Source source = loadSource();
    ClientSettings client = ClientSettings.of(options, env);
    Verifier.Topics outputs =
        new Verifier.Topics(options.outputTopic, options.dlqTopic, options.reviewTopic);
    List<String> topics = new ArrayList<>(List.of(options.topic));
    if (options.verify) {
      topics.addAll(outputs.all());
    }
    int partitions =
        TopicCheck.partitions(client.common(), topics, client.timeout()).get(options.topic);
    String id =
        options.runId != null ? options.runId : UUID.randomUUID().toString().substring(0, 8);
    long limit =
        options.count != null
            ? options.count
            : (options.loop || options.duration != null ? -1 : source.images().count());
    Malformation.Plan malformed = Malformation.Plan.of(options.malformedFraction);
    var plan =
        new Publisher.Plan(
            options.topic,
            id,
            limit,
            options.duration,
            options.partitioning == Partitioning.spread ? partitions : 0,
            malformed);
    Instant startedAt = Instant.now();
    try (var producer =
            new KafkaProducer<>(
                client.producer(), new ByteArraySerializer(), new ByteArraySerializer());
        Verifier verifier =
            options.verify ? verifier(client, outputs, id, malformed, source) : null) {
      if (options.warmUp != null && !options.warmUp.isZero()) {
        warmUp(
            producer,
            source,
            new Publisher.Plan(
                options.topic,
                id + "-warmup",
                -1,
                options.warmUp,
                plan.partitions(),
                Malformation.Plan.of(0)));
      }
      Publisher publisher =
          new Publisher(producer, source.images(), plan, new Pacer(options.rate, Clock.SYSTEM));
      long startNanos = System.nanoTime();
      try (Progress progress = new Progress(publisher.stats(), verifier, limit, console)) {
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
          id, startedAt, source.description(), options.topic, options.rate, sent, verification);
    }
  }

  private void warmUp(KafkaProducer<byte[], byte[]> producer, Source source, Publisher.Plan plan) {
    console.status("warming up for %d s (unmeasured)".formatted(options.warmUp.toSeconds()));
    new Publisher(producer, source.images(), plan, new Pacer(options.rate, Clock.SYSTEM))
        .run(stopRequested);
  }

  private Source loadSource() throws IOException {
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

  private Verifier verifier(
      ClientSettings client,
      Verifier.Topics outputs,
      String id,
      Malformation.Plan malformed,
      Source source) {
    var consumer =
        new KafkaConsumer<>(
            client.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    return new Verifier(
        consumer, outputs, id, malformed, source::labelOf, source::partOf, Clock.SYSTEM);
  }
}
