package dev.digitstream.systemtests.reliability;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** What the fault tests share: topics with the app's environment for them, a verified load run. */
final class FaultFixture {

  /**
   * What the app's Kafka clients log (WARN) each time they fail to reach a broker: the app really
   * lost its broker.
   */
  static final String BROKER_UNREACHABLE = "could not be established. Node may not be available";

  /**
   * Topics named after {@code name} (input with {@code partitions}) and the app's environment for
   * them ({@link StreamAppEnv}, members leaving the group after 6 s).
   */
  static Map<String, String> appEnv(EmbeddedKafka kafka, String name, int partitions) {
    return appEnv(kafka.bootstrapServers(), kafka::createTopic, name, partitions);
  }

  /** {@link #appEnv} with review on: a review topic with {@code partitions} too. */
  static Map<String, String> appEnvWithReview(EmbeddedKafka kafka, String name, int partitions) {
    Map<String, String> env = appEnv(kafka, name, partitions);
    String review = env.get(StreamAppConfig.INPUT_TOPIC).replaceFirst("-in$", "-review");
    kafka.createTopic(review, partitions);
    env.put(StreamAppConfig.REVIEW_TOPIC, review);
    return env;
  }

  /**
   * Topics named after {@code name}, created by {@code createTopic} (name, partitions: the input
   * and output with {@code partitions}, the dead-letter topic with 1), and the app's environment
   * for them on the cluster at {@code bootstrapServers}.
   */
  static Map<String, String> appEnv(
      String bootstrapServers,
      BiConsumer<String, Integer> createTopic,
      String name,
      int partitions) {
    String id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
    createTopic.accept(id + "-in", partitions);
    createTopic.accept(id + "-out", partitions);
    createTopic.accept(id + "-dlq", 1);
    return StreamAppEnv.of(bootstrapServers, id)
        .topics(id + "-in", id + "-out", id + "-dlq")
        // a killed member leaves the group after 6 s instead of 45 s, so restarts resume quickly
        .kafka(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
        .toMap();
  }

  /** {@link #load} of {@code records} records at {@code rate} per second. */
  static CompletableFuture<RunReport> load(Map<String, String> app, int records, int rate) {
    return load(
        app,
        new AtomicBoolean(),
        "--count",
        Integer.toString(records),
        "--rate",
        Integer.toString(rate));
  }

  /** A producer run with --verify against the app's topics, in the background. */
  static CompletableFuture<RunReport> load(
      Map<String, String> app, AtomicBoolean stop, String... options) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Path report = Files.createTempFile(Path.of("target"), "fault-report-", ".json");
            List<String> args =
                new ArrayList<>(
                    List.of(
                        "--bootstrap-servers",
                        app.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
                        "--topic",
                        app.get(StreamAppConfig.INPUT_TOPIC),
                        "--output-topic",
                        app.get(StreamAppConfig.OUTPUT_TOPIC),
                        "--dlq-topic",
                        app.get(StreamAppConfig.DLQ_TOPIC),
                        "--review-topic",
                        app.get(StreamAppConfig.REVIEW_TOPIC),
                        "--data-dir",
                        TestData.mnistDir().toString(),
                        "--verify",
                        "--verify-timeout",
                        "90s",
                        "--report",
                        report.toString()));
            args.addAll(List.of(options));
            ProducerCli.run(args.toArray(String[]::new), Map.of(), stop::get);
            return RunReport.fromJson(Files.readString(report));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Lines of {@code log} that contain {@code text}. */
  static long countLines(Path log, String text) throws IOException {
    // ISO-8859-1 reads any bytes: a stack trace with odd characters does not fail the count
    return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
        .filter(l -> l.contains(text))
        .count();
  }

  /** Appends one line of figures to target/reliability-results.txt and prints it. */
  static void record(String test, String format, Object... args) {
    String line = test + ": " + String.format(Locale.ROOT, format, args);
    System.out.println(line);
    try {
      Files.writeString(
          Path.of("target", "reliability-results.txt"),
          line + System.lineSeparator(),
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
