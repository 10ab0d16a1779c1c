package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.common.cli.Console;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.VersionFigures;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelTopic;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import dev.digitstream.testsupport.TrainedModel;
import dev.digitstream.trainer.TrainerCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The model lifecycle under load, as users run it: two stream-app JVMs, exactly-once, a model
 * published and promoted with the trainer's commands, then rolled back, while labelled records
 * flow; a restart after a promotion; a corrupted version.
 */
@Timeout(600)
class ModelLifecycleIT {

  private static final int PARTITIONS = 12;
  private static final int RECORDS = 21_000;
  private static final int RATE = 1_000;
  private static final Duration IN_STEP = Duration.ofSeconds(10);

  @Test
  void shouldSwapEveryPartitionOnceAtAPromotionAndOnceAtARollbackLosingAndDuplicatingNothing()
      throws Exception {
    String first = version(TrainedModel.get());
    String second = version(TrainedModel.another());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = lifecycleEnv(kafka, "lifecycle", PARTITIONS);
      // the first release, decided before the replicas start: they start on it from the topic
      trainer(env, "publish", "--model", TrainedModel.get().toString(), "--create-topic");
      trainer(env, "promote", first, "--reason", "first release");
      RunReport report;
      long promotionMs;
      long rollbackMs;
      try (StreamAppProcess a = StreamAppProcess.start(env, "lifecycle-a").awaitReady();
          StreamAppProcess b = StreamAppProcess.start(env, "lifecycle-b").awaitReady()) {
        var load = FaultFixture.load(env, RECORDS, RATE);
        awaitPredicted(List.of(a, b), RECORDS / 3);

        for (StreamAppProcess app : List.of(a, b)) {
          assertThat(modelInfo(app.scrape(), first)).as("started on decision 1").isEqualTo(1);
        }
        trainer(env, "publish", "--model", TrainedModel.another().toString());
        long promoted = System.nanoTime();
        trainer(env, "promote", second, "--reason", "lifecycle test");
        awaitDecision(List.of(a, b), 2);
        promotionMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promoted);

        awaitPredicted(List.of(a, b), 2 * RECORDS / 3);
        long rolledBack = System.nanoTime();
        trainer(env, "rollback", "--reason", "lifecycle test");
        awaitDecision(List.of(a, b), 3);
        rollbackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rolledBack);

        report = load.get(180, TimeUnit.SECONDS);
        for (StreamAppProcess app : List.of(a, b)) {
          assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_swaps_total"))
              .as("each replica swapped twice")
              .isEqualTo(2);
        }
      }

      assertThat(report.verification().complete()).isTrue();
      assertThat(report.verification().missing()).isZero();
      assertThat(report.verification().duplicated()).isZero();
      var byVersion = report.verification().byModelVersion();
      assertThat(byVersion)
          .as("the producer's report by model version")
          .containsOnlyKeys(first, second);
      assertThat(byVersion.values().stream().mapToLong(VersionFigures::predictions).sum())
          .isEqualTo(RECORDS);
      Map<Integer, List<String>> versions = versionsByPartition(env);
      assertThat(versions).hasSize(PARTITIONS);
      versions.forEach(
          (partition, sequence) ->
              assertThat(collapse(sequence))
                  .as("model versions on partition %d, in offset order", partition)
                  .containsExactly(first, second, first));
      FaultFixture.record(
          "ModelLifecycleIT",
          "%,d records over %d partitions, 2 replicas: 0 lost, 0 duplicated; promotion in step"
              + " on both replicas %,d ms after the command, rollback %,d ms; every partition"
              + " switched once each way",
          RECORDS,
          PARTITIONS,
          promotionMs,
          rollbackMs);
    }
  }

  @Test
  void shouldComeBackOnTheDecidedVersionAfterARestartAndRefuseACorruptedVersion() throws Exception {
    Path firstModel = TrainedModel.get();
    String first = version(firstModel);
    String second = version(TrainedModel.another());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = lifecycleEnv(kafka, "lifecycle-restart", 2);
      trainer(env, "publish", "--model", TrainedModel.another().toString(), "--create-topic");
      trainer(env, "promote", second);

      try (StreamAppProcess app = StreamAppProcess.start(env, "lifecycle-restart").awaitReady()) {
        assertThat(modelInfo(app.scrape(), second))
            .as("started on the decided version, not MODEL_PATH")
            .isEqualTo(1);
        assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_decision")).isEqualTo(1);
      }
      try (StreamAppProcess app =
          StreamAppProcess.start(env, "lifecycle-restart-again").awaitReady()) {
        assertThat(modelInfo(app.scrape(), second)).as("and again after a restart").isEqualTo(1);

        // the first model published, then its chunk 0 replaced by garbage, then decided directly
        // (the promote command checks a version before deciding, so it would refuse)
        trainer(env, "publish", "--model", firstModel.toString());
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          producer
              .send(
                  new ProducerRecord<>(
                      env.get(StreamAppConfig.MODEL_TOPIC),
                      ModelTopic.chunkKey(first, 0),
                      "garbage".getBytes(StandardCharsets.UTF_8)))
              .get();
        }
        try (RegistryClient registry = registry(env)) {
          registry.decide(first, Decision.PROMOTE, "corrupted on purpose");
        }
        await()
            .atMost(IN_STEP)
            .until(() -> FaultFixture.countLines(app.log(), "cannot serve " + first) > 0);
        RunReport report = FaultFixture.load(env, 500, 500).get(120, TimeUnit.SECONDS);

        assertThat(report.verification().complete()).as("serving went on").isTrue();
        assertThat(modelInfo(app.scrape(), second)).isEqualTo(1);
        assertThat(versionsByPartition(env).values().stream().flatMap(List::stream))
            .containsOnly(second);
      }
    }
  }

  private static Map<String, String> lifecycleEnv(
      EmbeddedKafka kafka, String name, int partitions) {
    Map<String, String> env = new HashMap<>(FaultFixture.appEnv(kafka, name, partitions));
    env.put(StreamAppConfig.MODEL_PATH, TrainedModel.get().toString());
    env.put(StreamAppConfig.MODEL_TOPIC, env.get(StreamAppConfig.APPLICATION_ID) + "-models");
    env.put(StreamAppConfig.STREAM_THREADS, "1");
    return env;
  }

  private static String version(Path model) throws Exception {
    return ModelFiles.readMetadata(model).versionId();
  }

  private static void trainer(Map<String, String> env, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
            "--model-topic",
            env.get(StreamAppConfig.MODEL_TOPIC)));
    int code = TrainerCli.run(all.toArray(String[]::new), Console.system(), Map.of());
    assertThat(code).as("trainer %s", all).isZero();
  }

  private static RegistryClient registry(Map<String, String> env) {
    return new RegistryClient(
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS)),
        env.get(StreamAppConfig.MODEL_TOPIC));
  }

  private static void awaitPredicted(List<StreamAppProcess> apps, int count) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              double sum = 0;
              for (StreamAppProcess app : apps) {
                sum += PrometheusScrape.sum(app.scrape(), "digitstream_predictions_out_total");
              }
              return sum >= count;
            });
  }

  /** Waits until every replica follows decision {@code sequence}: the 10 s. */
  private static void awaitDecision(List<StreamAppProcess> apps, long sequence) {
    await()
        .atMost(IN_STEP)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (StreamAppProcess app : apps) {
                if (PrometheusScrape.sum(app.scrape(), "digitstream_model_decision") != sequence) {
                  return false;
                }
              }
              return true;
            });
  }

  private static double modelInfo(String scrape, String version) {
    return PrometheusScrape.sum(
        scrape
            .lines()
            .filter(l -> l.contains("version=\"" + version + "\""))
            .reduce("", (x, y) -> x + y + "\n"),
        "digitstream_model_info");
  }

  /** The model.version header of every committed prediction, by partition in offset order. */
  private static Map<Integer, List<String>> versionsByPartition(Map<String, String> env) {
    String topic = env.get(StreamAppConfig.OUTPUT_TOPIC);
    Map<Integer, List<String>> versions = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          versions
              .computeIfAbsent(r.partition(), p -> new ArrayList<>())
              .add(
                  new String(
                      r.headers().lastHeader(HeaderNames.MODEL_VERSION).value(),
                      StandardCharsets.US_ASCII));
        }
      }
    }
    return versions;
  }

  /** The sequence with runs of one value collapsed to one: A A B B A becomes A B A. */
  private static List<String> collapse(List<String> sequence) {
    List<String> runs = new ArrayList<>();
    Stream.of(sequence.toArray(String[]::new))
        .forEach(
            v -> {
              if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(v)) {
                runs.add(v);
              }
            });
    return runs;
  }
}
