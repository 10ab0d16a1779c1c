package dev.digitstream.systemtests.reliability;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.testsupport.TrainedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/** What the fault tests share: topics, the stream-app's settings, a verified load run. */
final class FaultFixture {

  /** Topics named after {@code name} (input with {@code partitions}) and the app's settings. */
  static Map<String, String> appEnv(EmbeddedKafka kafka, String name, int partitions) {
    return appEnv(kafka.bootstrapServers(), kafka::createTopic, name, partitions);
  }

  /**
   * Topics named after {@code name}, created by {@code createTopic} (name, partitions: the input
   * and output with {@code partitions}, the dead-letter topic with 1), and the app's settings for
   * the cluster at {@code bootstrapServers}.
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
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("APPLICATION_ID", id);
    env.put("INPUT_TOPIC", id + "-in");
    env.put("OUTPUT_TOPIC", id + "-out");
    env.put("DLQ_TOPIC", id + "-dlq");
    env.put("MODEL_PATH", TrainedModel.get().toString());
    env.put("STREAM_THREADS", "2");
    env.put("STATE_DIR", Path.of("target", "fault-state", id).toAbsolutePath().toString());
    // a killed member leaves the group after 6 s instead of 45 s, so restarts resume quickly
    env.put("KAFKA_CFG_SESSION_TIMEOUT_MS", "6000");
    return env;
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
                        app.get("KAFKA_BOOTSTRAP_SERVERS"),
                        "--topic",
                        app.get("INPUT_TOPIC"),
                        "--output-topic",
                        app.get("OUTPUT_TOPIC"),
                        "--dlq-topic",
                        app.get("DLQ_TOPIC"),
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

  /** The sum over all series of a metric in a Prometheus scrape. */
  static double metricSum(String scrape, String metric) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
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
