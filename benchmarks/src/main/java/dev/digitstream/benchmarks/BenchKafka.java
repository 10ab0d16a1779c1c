package dev.digitstream.benchmarks;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's side of the broker: its topics, its producers (closed- and open-loop), its
 * consumer.
 */
final class BenchKafka {

  private BenchKafka() {}

  /** A fresh input, output and dead-letter topic. */
  record Topics(String input, String output, String dlq) {
    static Topics create(EmbeddedKafka kafka, int partitions) {
      String base = "bench-" + UUID.randomUUID().toString().substring(0, 6);
      kafka.createTopic(base + "-in", partitions);
      kafka.createTopic(base + "-out", partitions);
      kafka.createTopic(base + "-dlq", 1);
      return new Topics(base + "-in", base + "-out", base + "-dlq");
    }
  }

  /** Sends {@code count} labelled images, cycling through {@code images}, as fast as possible. */
  static void produce(EmbeddedKafka kafka, String topic, LabelledImages images, int count) {
    try (var producer = producer(kafka)) {
      for (int i = 0; i < count; i++) {
        producer.send(record(topic, images, i % images.count(), System.currentTimeMillis()));
      }
      producer.flush();
    }
  }

  /**
   * Sends {@code count} images at {@code rate} per second on a fixed schedule (open loop), each
   * timestamped with its intended send time, so that queueing in the producer is not hidden.
   */
  static Thread openLoop(
      EmbeddedKafka kafka, String topic, LabelledImages images, int count, int rate) {
    Thread t =
        new Thread(
            () -> {
              try (var producer = producer(kafka)) {
                long start = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                for (int i = 0; i < count; i++) {
                  long due = start + i * interval;
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  producer.send(
                      record(
                          topic,
                          images,
                          i % images.count(),
                          System.currentTimeMillis() - Math.max(0, -wait) / 1_000_000));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "open-loop-producer");
    t.start();
    return t;
  }

  /**
   * Reads up to {@code count} predictions (5 minutes at most); records the arrival of the first and
   * the last in {@code firstAndLast} (nanoTime) when given.
   *
   * @return how many were read
   */
  static int awaitPredictions(
      KafkaConsumer<byte[], byte[]> consumer, int count, long[] firstAndLast) {
    int seen = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (seen < count && System.nanoTime() < deadline) {
      int polled = consumer.poll(Duration.ofMillis(100)).count();
      if (polled > 0 && firstAndLast != null) {
        long now = System.nanoTime();
        if (seen == 0) {
          firstAndLast[0] = now;
        }
        firstAndLast[1] = now;
      }
      seen += polled;
    }
    return seen;
  }

  static ProducerRecord<byte[], byte[]> record(
      String topic, LabelledImages images, int i, long timestamp) {
    var r =
        new ProducerRecord<>(
            topic, null, timestamp, ("img-" + i).getBytes(StandardCharsets.UTF_8), images.image(i));
    r.headers().add("label", ImageRecord.labelHeader(images.label(i)));
    return r;
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            1,
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * A {@code read_committed} consumer of {@code topics} from their start, in a group of its own.
   */
  static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka, String... topics) {
    var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                5),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics));
    return consumer;
  }
}
