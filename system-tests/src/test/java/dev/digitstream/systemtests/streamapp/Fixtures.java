package dev.digitstream.systemtests.streamapp;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the stream-app's integration tests share: labelled records and Kafka clients (the model, the
 * app's environment and the rest come from test-support).
 */
final class Fixtures {

  private Fixtures() {}

  static LabelledImages testImages(int count) {
    try {
      return TestData.mnist().test().head(count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A labelled image record keyed {@code img-<index>}. */
  static ProducerRecord<byte[], byte[]> imageRecord(
      String topic, LabelledImages images, int index) {
    var record = new ProducerRecord<byte[], byte[]>(topic, key(index), images.image(index));
    record.headers().add(HeaderNames.LABEL, ImageRecord.labelHeader(images.label(index)));
    return record;
  }

  static byte[] key(int index) {
    return ("img-" + index).getBytes(StandardCharsets.UTF_8);
  }

  static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            unique("verifier"),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Every committed prediction on {@code topic} by key, counting duplicates; polls until idle. */
  static Map<String, List<Prediction>> readPredictions(
      KafkaConsumer<byte[], byte[]> consumer, Map<String, List<Prediction>> into, Duration poll) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(poll)) {
      try {
        into.computeIfAbsent(
                new String(r.key(), StandardCharsets.UTF_8), k -> new java.util.ArrayList<>())
            .add(PredictionCodec.decode(r.value()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return into;
  }

  /**
   * Reads committed predictions from {@code topic} until {@code expected} keys have one or {@code
   * timeout} passes, then drains for 2 s more so duplicates show. Never throws on timeout: the
   * caller's assertions say what is missing.
   */
  static Map<String, List<Prediction>> collectPredictions(
      String bootstrap, String topic, int expected, Duration timeout) {
    Map<String, List<Prediction>> predictions = new HashMap<>();
    try (var consumer = readCommittedConsumer(bootstrap)) {
      consumer.subscribe(List.of(topic));
      try {
        org.awaitility.Awaitility.await()
            .atMost(timeout)
            .pollInterval(Duration.ZERO)
            .until(
                () ->
                    readPredictions(consumer, predictions, Duration.ofMillis(200)).size()
                        >= expected);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // fall through
      }
      readPredictions(consumer, predictions, Duration.ofSeconds(2));
    }
    return predictions;
  }
}
