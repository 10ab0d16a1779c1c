package dev.digitstream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A changelog topic as a restore finds it: on disk, by the broker's account, and read through. */
record ChangelogSnapshot(
    long bytesOnDisk,
    int segments,
    long bytesReported,
    long beginning,
    long end,
    long values,
    long tombstones) {

  /** Measures {@code topic}, whose broker keeps its log segments under {@code logDir}. */
  static ChangelogSnapshot measure(Admin admin, String topic, Path logDir) throws Exception {
    List<TopicPartition> partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    long bytes = 0;
    int segments = 0;
    for (TopicPartition p : partitions) {
      try (Stream<Path> files = Files.list(logDir.resolve(p.toString()))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
          bytes += f.toFile().length();
          segments++;
        }
      }
    }
    long reported =
        admin
            .describeLogDirs(
                admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
            .allDescriptions()
            .get()
            .values()
            .stream()
            .flatMap(dirs -> dirs.values().stream())
            .flatMap(dir -> dir.replicaInfos().entrySet().stream())
            .filter(e -> e.getKey().topic().equals(topic))
            .mapToLong(e -> e.getValue().size())
            .sum();
    Map<TopicPartition, Long> beginning = offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
    long values = 0;
    long tombstones = 0;
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(admin));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            tombstones++;
          } else {
            values++;
          }
        }
      }
    }
    return new ChangelogSnapshot(
        bytes,
        segments,
        reported,
        beginning.values().stream().mapToLong(Long::longValue).sum(),
        end.values().stream().mapToLong(Long::longValue).sum(),
        values,
        tombstones);
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listOffsets(request).all().get().forEach((p, o) -> offsets.put(p, o.offset()));
    return offsets;
  }

  private static String bootstrap(Admin admin) throws Exception {
    var node = admin.describeCluster().nodes().get().iterator().next();
    return node.host() + ":" + node.port();
  }
}
