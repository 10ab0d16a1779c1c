package dev.digitstream.registry;

import dev.digitstream.common.kafka.TopicCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the model topic from its beginning to the end it had when the scan began, by assignment (no
 * consumer group, nothing committed), seeing only committed records. Every record is handed to a
 * visitor and not kept: what to keep is the visitor's choice.
 */
final class TopicScan {

  private static final Duration POLL = Duration.ofMillis(200);

  private TopicScan() {}

  static void scan(
      Admin admin,
      Map<String, Object> kafkaProperties,
      String topic,
      Duration timeout,
      BiConsumer<String, byte[]> visitor) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object servers = kafkaProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    int partitions = partitions(admin, topic, servers, timeout);
    List<TopicPartition> assigned =
        IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    try (var consumer =
        new KafkaConsumer<>(
            consumerProperties(kafkaProperties, timeout),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
      while (!reached(consumer, end, remaining(deadline))) {
        if (System.nanoTime() > deadline) {
          throw new RegistryException(
              "could not read topic %s on %s to its end within %d s"
                  .formatted(topic, servers, timeout.toSeconds()));
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          visitor.accept(record.key(), record.value());
        }
      }
    } catch (TimeoutException e) {
      throw new RegistryException(TopicCheck.unreachableMessage(servers, timeout), e);
    }
  }

  /** The topic's partition count; refuses a missing topic or an unreachable broker. */
  static int partitions(Admin admin, String topic, Object servers, Duration timeout) {
    return describe(admin, topic, servers, timeout)
        .orElseThrow(
            () -> new RegistryException(TopicCheck.missingMessage(List.of(topic), servers)));
  }

  /**
   * The topic's partition count, or empty when it does not exist; refuses an unreachable broker.
   */
  static Optional<Integer> describe(Admin admin, String topic, Object servers, Duration timeout) {
    try {
      TopicCheck.Result result = TopicCheck.describe(admin, List.of(topic), servers, timeout);
      return Optional.ofNullable(result.partitions().get(topic));
    } catch (IOException e) {
      throw new RegistryException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while describing topic " + topic, e);
    }
  }

  private static boolean reached(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end, Duration timeout) {
    for (var entry : end.entrySet()) {
      if (consumer.position(entry.getKey(), timeout) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static Map<String, Object> consumerProperties(
      Map<String, Object> kafkaProperties, Duration timeout) {
    Map<String, Object> props = new HashMap<>(kafkaProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "model-registry-reader");
    props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return props;
  }
}
