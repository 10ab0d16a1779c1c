package dev.digitstream.streamapp.config;

import dev.digitstream.common.kafka.KafkaClientEnv;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/**
 * The Kafka Streams properties of a {@link StreamAppConfig}, and what {@code KAFKA_CFG_*}
 * pass-through may not change.
 */
final class StreamsProperties {

  /** The commit interval under at-least-once when {@code COMMIT_INTERVAL_MS} is not set. */
  static final int AT_LEAST_ONCE_COMMIT_INTERVAL_MS = 1_000;

  private static final String LEAVE_GROUP_ON_CLOSE =
      StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close");

  /**
   * Kafka Streams settings the delivery guarantee depends on, set by the app and refused as {@code
   * KAFKA_CFG_*} pass-through: a handler that continues drops the record it gives up on, and the
   * stock timestamp extractor stops the thread on a negative timestamp.
   */
  static final List<String> GUARDED =
      List.of(
          StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
          StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
          LEAVE_GROUP_ON_CLOSE);

  /**
   * The prefixes of settings aimed at one of Kafka Streams' clients ({@code producer.acks}, {@code
   * main.consumer.max.poll.records}, ...).
   */
  static final Pattern CLIENT_PREFIX =
      Pattern.compile(
          "^(producer|consumer|main\\.consumer|restore\\.consumer|global\\.consumer|admin)\\.");

  private StreamsProperties() {}

  /** Adds to {@code problems} each pass-through property the delivery guarantee forbids. */
  static void checkPassThrough(Map<String, String> kafkaProperties, List<String> problems) {
    kafkaProperties.forEach(
        (name, value) -> {
          String bare = CLIENT_PREFIX.matcher(name).replaceFirst("");
          String variable = KafkaClientEnv.variable(name);
          if (GUARDED.contains(name)) {
            problems.add(variable + " cannot be set: the stream-app sets " + name + " itself");
          } else if (bare.equals(ProducerConfig.ACKS_CONFIG)
              && !value.trim().equals("all")
              && !value.trim().equals("-1")) {
            problems.add(
                variable + " must be all (or -1): fewer acknowledgements can lose records");
          }
        });
  }

  /** Our defaults, then the pass-through properties, then ours. */
  static Properties of(StreamAppConfig config) {
    Properties props = new Properties();
    // Kafka Streams lets its producer linger 100 ms; measured here, that is most of the latency at
    // low rates (BENCHMARKS.md). 5 ms still batches well. KAFKA_CFG_PRODUCER_LINGER_MS overrides.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    // 64 KiB batches, not 16: a full inference batch's predictions (128 of about 350 bytes) go in
    // one produce batch. Measured on backlog drains, 6 each: 163 -> 145 us of app CPU per image,
    // a third less in the producer's thread (BENCHMARKS.md). KAFKA_CFG_PRODUCER_BATCH_SIZE
    // overrides.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 64 * 1024);
    props.putAll(config.kafkaProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    // block in poll no longer than two batch checks, so flushes stay on time at low rates
    props.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100, 2 * config.batchTiming().checkMs()));
    if (config.commitIntervalMs() > 0) {
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    } else if (config.processingGuarantee().equals(StreamAppConfig.AT_LEAST_ONCE)) {
      // Kafka Streams commits every 30 s under at-least-once; 1 s bounds what a crash replays
      // (and when every record went through the pending store's cache, a 30-s commit took 200 ms
      // of the stream thread at 1,900 images/s: BENCHMARKS.md, "At-least-once commits").
      props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, AT_LEAST_ONCE_COMMIT_INTERVAL_MS);
    }
    if (!config.stateDir().isEmpty()) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
    }
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.changelogReplicationFactor());
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class);
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class);
    props.put(
        StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, WallClockIfInvalidTimestamp.class);
    // Kafka Streams keeps a stopped member in the group until session.timeout.ms (45 s) has passed,
    // and in 4.1 KafkaStreams.CloseOptions.leaveGroup acts only for static members: this internal
    // consumer setting makes a graceful close leave the group, so its partitions move at once.
    props.put(LEAVE_GROUP_ON_CLOSE, true);
    return props;
  }
}
