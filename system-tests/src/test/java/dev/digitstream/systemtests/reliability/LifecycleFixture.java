package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.cli.Console;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.registry.ModelStatus;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.TrainedModel;
import dev.digitstream.trainer.TrainerCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the model lifecycle tests share: the app's environment with a model topic, the trainer's
 * commands as users run them, and reading back the model topic, the events and the predictions.
 */
final class LifecycleFixture {

  private LifecycleFixture() {}

  static Map<String, String> lifecycleEnv(EmbeddedKafka kafka, String name, int partitions) {
    Map<String, String> env = new HashMap<>(FaultFixture.appEnv(kafka, name, partitions));
    env.put(StreamAppConfig.MODEL_PATH, TrainedModel.get().toString());
    env.put(StreamAppConfig.MODEL_TOPIC, env.get(StreamAppConfig.APPLICATION_ID) + "-models");
    env.put(
        StreamAppConfig.MODEL_EVENTS_TOPIC, env.get(StreamAppConfig.APPLICATION_ID) + "-events");
    env.put(StreamAppConfig.STREAM_THREADS, "1");
    // the test models are about 94 % accurate (one epoch on 6,000 images), and two of them differ
    // on several % of the records: a floor and a tolerance that such models pass when they should
    env.put(StreamAppConfig.GATE_FLOOR, "0.9");
    env.put(StreamAppConfig.GATE_TOLERANCE, "0.02");
    return env;
  }

  /** Copies every record of {@code from} to {@code to}, with {@code corrupt}'s value garbled. */
  static void copyTopic(
      Map<String, String> env,
      String from,
      String to,
      String corrupt,
      KafkaProducer<String, byte[]> producer)
      throws Exception {
    for (ConsumerRecord<String, byte[]> r : readAll(env, from)) {
      byte[] value =
          r.key().equals(corrupt) ? "garbage".getBytes(StandardCharsets.UTF_8) : r.value();
      producer.send(new ProducerRecord<>(to, r.key(), value)).get();
    }
  }

  /** The status of a version on the model topic, if it has one. */
  static Optional<ModelStatus> status(Map<String, String> env, String version) {
    try (RegistryClient registry = registry(env)) {
      return registry.read(Duration.ofSeconds(15)).status(version);
    }
  }

  /** The lifecycle events, as JSON text, in the order they were written. */
  static List<String> events(Map<String, String> env) {
    return readAll(env, env.get(StreamAppConfig.MODEL_EVENTS_TOPIC)).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .toList();
  }

  /** Every committed record of a topic, by partition then offset. */
  static List<ConsumerRecord<String, byte[]>> readAll(Map<String, String> env, String topic) {
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(all::add);
      }
    }
    return all;
  }

  static String version(Path model) throws Exception {
    return ModelFiles.readMetadata(model).versionId();
  }

  static void trainer(Map<String, String> env, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
            "--model-topic",
            env.get(StreamAppConfig.MODEL_TOPIC),
            "--events-topic",
            env.get(StreamAppConfig.MODEL_EVENTS_TOPIC)));
    int code = TrainerCli.run(all.toArray(String[]::new), Console.system(), Map.of());
    assertThat(code).as("trainer %s", all).isZero();
  }

  static RegistryClient registry(Map<String, String> env) {
    return new RegistryClient(
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS)),
        env.get(StreamAppConfig.MODEL_TOPIC));
  }

  static double modelInfo(String scrape, String version) {
    return PrometheusScrape.sum(
        scrape
            .lines()
            .filter(l -> l.contains("version=\"" + version + "\""))
            .reduce("", (x, y) -> x + y + "\n"),
        "digitstream_model_info");
  }

  /** The model.version header of every committed prediction, by partition in offset order. */
  static Map<Integer, List<String>> versionsByPartition(Map<String, String> env) {
    Map<Integer, List<String>> versions = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(env, env.get(StreamAppConfig.OUTPUT_TOPIC))) {
      versions
          .computeIfAbsent(r.partition(), p -> new ArrayList<>())
          .add(
              new String(
                  r.headers().lastHeader(HeaderNames.MODEL_VERSION).value(),
                  StandardCharsets.US_ASCII));
    }
    return versions;
  }

  /** The sequence with runs of one value collapsed to one: A A B B A becomes A B A. */
  static List<String> collapse(List<String> sequence) {
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
