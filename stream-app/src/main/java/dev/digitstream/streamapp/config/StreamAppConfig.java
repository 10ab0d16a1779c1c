package dev.digitstream.streamapp.config;

import dev.digitstream.common.kafka.KafkaClientEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/**
 * The stream application's configuration, read from environment variables. Every setting has a
 * documented default; {@link #fromEnv} reports all invalid values at once.
 *
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}, default {@code 127.0.0.1:9092}
 * @param applicationId {@code APPLICATION_ID}: Kafka Streams application id (consumer group,
 *     transactional ids, internal topic prefix), default {@code digit-stream}
 * @param inputTopic {@code INPUT_TOPIC}, default {@code images}
 * @param outputTopic {@code OUTPUT_TOPIC}, default {@code predictions}
 * @param dlqTopic {@code DLQ_TOPIC}, default {@code images-dlq}
 * @param modelPath {@code MODEL_PATH}: a model.zip, a run folder holding one, or a folder of run
 *     folders (the newest is taken), default {@code models}
 * @param batchMaxSize {@code BATCH_MAX_SIZE}: images per inference at most, default 128
 * @param batchMaxDelayMs {@code BATCH_MAX_DELAY_MS}: how long the first image of a batch may wait
 *     for the batch to fill, default 10
 * @param streamThreads {@code STREAM_THREADS}: Kafka Streams threads, each with its own model copy,
 *     default the number of cores
 * @param nd4jThreads {@code ND4J_THREADS}: native threads per inference, default 1
 * @param processingGuarantee {@code PROCESSING_GUARANTEE}: {@code exactly_once_v2} (default) or
 *     {@code at_least_once}
 * @param commitIntervalMs {@code COMMIT_INTERVAL_MS}: 0 keeps Kafka Streams' default (100 ms under
 *     exactly-once, 30 s under at-least-once)
 * @param metricsPort {@code METRICS_PORT}: HTTP port of /metrics and /health, default 9404 (0 = any
 *     free port)
 * @param metricsBindAddress {@code METRICS_BIND_ADDRESS}, default {@code 0.0.0.0}
 * @param createTopics {@code CREATE_TOPICS}: create missing input, output and dead-letter topics
 *     instead of failing, default false
 * @param topicPartitions {@code TOPIC_PARTITIONS}: partitions of topics created by {@code
 *     CREATE_TOPICS}, default 1
 * @param rollingAccuracyWindow {@code ROLLING_ACCURACY_WINDOW}: labelled predictions in the rolling
 *     accuracy gauge, default 1000
 * @param stateDir {@code STATE_DIR}: Kafka Streams state folder, default Kafka Streams' own
 * @param changelogReplicationFactor {@code CHANGELOG_REPLICATION_FACTOR}: replicas of the
 *     pending-images changelog, the only durable copy of records whose offsets were committed
 *     before their predictions; default 3, lowered to the number of brokers on a smaller cluster
 *     (with a warning)
 * @param changelogMinInsyncReplicas {@code CHANGELOG_MIN_INSYNC_REPLICAS}: its {@code
 *     min.insync.replicas}, default 2, at most the replication factor
 * @param kafkaProperties any {@code KAFKA_CFG_<NAME>} variable, passed to every Kafka client as
 *     property {@code name} with underscores turned into dots, lower case (for example {@code
 *     KAFKA_CFG_SECURITY_PROTOCOL=SASL_SSL})
 */
public record StreamAppConfig(
    String bootstrapServers,
    String applicationId,
    String inputTopic,
    String outputTopic,
    String dlqTopic,
    Path modelPath,
    int batchMaxSize,
    long batchMaxDelayMs,
    int streamThreads,
    int nd4jThreads,
    String processingGuarantee,
    long commitIntervalMs,
    int metricsPort,
    String metricsBindAddress,
    boolean createTopics,
    int topicPartitions,
    int rollingAccuracyWindow,
    String stateDir,
    int changelogReplicationFactor,
    int changelogMinInsyncReplicas,
    Map<String, String> kafkaProperties) {

  // The environment variables, one constant each, for code and tests that set them.
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String APPLICATION_ID = "APPLICATION_ID";
  public static final String INPUT_TOPIC = "INPUT_TOPIC";
  public static final String OUTPUT_TOPIC = "OUTPUT_TOPIC";
  public static final String DLQ_TOPIC = "DLQ_TOPIC";
  public static final String MODEL_PATH = "MODEL_PATH";
  public static final String BATCH_MAX_SIZE = "BATCH_MAX_SIZE";
  public static final String BATCH_MAX_DELAY_MS = "BATCH_MAX_DELAY_MS";
  public static final String STREAM_THREADS = "STREAM_THREADS";
  public static final String ND4J_THREADS = "ND4J_THREADS";
  public static final String PROCESSING_GUARANTEE = "PROCESSING_GUARANTEE";
  public static final String COMMIT_INTERVAL_MS = "COMMIT_INTERVAL_MS";
  public static final String METRICS_PORT = "METRICS_PORT";
  public static final String METRICS_BIND_ADDRESS = "METRICS_BIND_ADDRESS";
  public static final String CREATE_TOPICS = "CREATE_TOPICS";
  public static final String TOPIC_PARTITIONS = "TOPIC_PARTITIONS";
  public static final String ROLLING_ACCURACY_WINDOW = "ROLLING_ACCURACY_WINDOW";
  public static final String STATE_DIR = "STATE_DIR";
  public static final String CHANGELOG_REPLICATION_FACTOR = "CHANGELOG_REPLICATION_FACTOR";
  public static final String CHANGELOG_MIN_INSYNC_REPLICAS = "CHANGELOG_MIN_INSYNC_REPLICAS";

  public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";
  public static final String AT_LEAST_ONCE = "at_least_once";

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

  /** Reads and validates the configuration. */
  public static StreamAppConfig fromEnv(Map<String, String> env) {
    Reader r = new Reader(env);
    StreamAppConfig config =
        new StreamAppConfig(
            r.string(KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9092"),
            r.string(APPLICATION_ID, "digit-stream"),
            r.string(INPUT_TOPIC, "images"),
            r.string(OUTPUT_TOPIC, "predictions"),
            r.string(DLQ_TOPIC, "images-dlq"),
            Path.of(r.string(MODEL_PATH, "models")),
            r.integer(BATCH_MAX_SIZE, 128, 1, 4096),
            r.integer(BATCH_MAX_DELAY_MS, 10, 1, 60_000),
            r.integer(STREAM_THREADS, Runtime.getRuntime().availableProcessors(), 1, 64),
            r.integer(ND4J_THREADS, 1, 1, 64),
            r.choice(
                PROCESSING_GUARANTEE, EXACTLY_ONCE_V2, List.of(EXACTLY_ONCE_V2, AT_LEAST_ONCE)),
            r.integer(COMMIT_INTERVAL_MS, 0, 0, 600_000),
            r.integer(METRICS_PORT, 9404, 0, 65_535),
            r.string(METRICS_BIND_ADDRESS, "0.0.0.0"),
            r.bool(CREATE_TOPICS, false),
            r.integer(TOPIC_PARTITIONS, 1, 1, 10_000),
            r.integer(ROLLING_ACCURACY_WINDOW, 1000, 1, 1_000_000),
            r.string(STATE_DIR, ""),
            r.integer(CHANGELOG_REPLICATION_FACTOR, 3, 1, 32),
            r.integer(CHANGELOG_MIN_INSYNC_REPLICAS, 2, 1, 32),
            KafkaClientEnv.properties(env));
    if (config.inputTopic().equals(config.outputTopic())
        || config.inputTopic().equals(config.dlqTopic())) {
      r.problems.add("INPUT_TOPIC must differ from OUTPUT_TOPIC and DLQ_TOPIC");
    }
    if (config.changelogMinInsyncReplicas() > config.changelogReplicationFactor()) {
      r.problems.add("CHANGELOG_MIN_INSYNC_REPLICAS must not exceed CHANGELOG_REPLICATION_FACTOR");
    }
    config.kafkaProperties().forEach((name, value) -> checkPassThrough(name, value, r.problems));
    if (!r.problems.isEmpty()) {
      throw new ConfigException(r.problems);
    }
    return config;
  }

  private static void checkPassThrough(String name, String value, List<String> problems) {
    String bare = name.replaceFirst("^(producer|main\\.consumer|consumer)\\.", "");
    String variable = KafkaClientEnv.PREFIX + name.toUpperCase(Locale.ROOT).replace('.', '_');
    if (GUARDED.contains(name)) {
      problems.add(variable + " cannot be set: the stream-app sets " + name + " itself");
    } else if (bare.equals(ProducerConfig.ACKS_CONFIG)
        && !value.trim().equals("all")
        && !value.trim().equals("-1")) {
      problems.add(variable + " must be all (or -1): fewer acknowledgements can lose records");
    }
  }

  /** This configuration for a cluster of {@code brokers} brokers: the changelog replicas capped. */
  public StreamAppConfig forCluster(int brokers) {
    int replicas = Math.min(changelogReplicationFactor, Math.max(1, brokers));
    return new StreamAppConfig(
        bootstrapServers,
        applicationId,
        inputTopic,
        outputTopic,
        dlqTopic,
        modelPath,
        batchMaxSize,
        batchMaxDelayMs,
        streamThreads,
        nd4jThreads,
        processingGuarantee,
        commitIntervalMs,
        metricsPort,
        metricsBindAddress,
        createTopics,
        topicPartitions,
        rollingAccuracyWindow,
        stateDir,
        replicas,
        Math.min(changelogMinInsyncReplicas, replicas),
        kafkaProperties);
  }

  /** The producer's {@code max.request.size}: as passed through, else Kafka's default. */
  public int producerMaxRequestSize() {
    String value =
        kafkaProperties.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            kafkaProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    return value == null ? 1_048_576 : Integer.parseInt(value.trim());
  }

  /** Whether the producer compresses (so a batch may exceed its records' size a little). */
  public boolean producerCompresses() {
    String value =
        kafkaProperties.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG),
            kafkaProperties.getOrDefault(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"));
    return !value.trim().equalsIgnoreCase("none");
  }

  /** The Kafka Streams properties: our defaults, then the pass-through properties, then ours. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    // Kafka Streams lets its producer linger 100 ms; measured here, that is most of the latency at
    // low rates (BENCHMARKS.md). 5 ms still batches well. KAFKA_CFG_PRODUCER_LINGER_MS overrides.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.putAll(kafkaProperties);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    // block in poll no longer than a batch may wait, so delay flushes stay on time at low rates
    props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(100, batchMaxDelayMs / 2)));
    if (commitIntervalMs > 0) {
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    }
    if (!stateDir.isEmpty()) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    }
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, changelogReplicationFactor);
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

  @Override
  public String toString() {
    Map<String, String> masked = KafkaClientEnv.masked(kafkaProperties);
    return ("StreamAppConfig[bootstrapServers=%s, applicationId=%s, inputTopic=%s, outputTopic=%s,"
            + " dlqTopic=%s, modelPath=%s, batchMaxSize=%d, batchMaxDelayMs=%d, streamThreads=%d,"
            + " nd4jThreads=%d, processingGuarantee=%s, commitIntervalMs=%d, metrics=%s:%d,"
            + " createTopics=%s, topicPartitions=%d, rollingAccuracyWindow=%d, stateDir=%s,"
            + " changelogReplicationFactor=%d, changelogMinInsyncReplicas=%d,"
            + " kafkaProperties=%s]")
        .formatted(
            bootstrapServers,
            applicationId,
            inputTopic,
            outputTopic,
            dlqTopic,
            modelPath,
            batchMaxSize,
            batchMaxDelayMs,
            streamThreads,
            nd4jThreads,
            processingGuarantee,
            commitIntervalMs,
            metricsBindAddress,
            metricsPort,
            createTopics,
            topicPartitions,
            rollingAccuracyWindow,
            stateDir.isEmpty() ? "(default)" : stateDir,
            changelogReplicationFactor,
            changelogMinInsyncReplicas,
            masked);
  }

  /** Reads typed values, collecting problems instead of failing on the first. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    String string(String name, String defaultValue) {
      String value = env.getOrDefault(name, defaultValue).trim();
      if (value.isEmpty() && !defaultValue.isEmpty()) {
        problems.add(name + " must not be empty");
      }
      return value;
    }

    boolean bool(String name, boolean defaultValue) {
      String value = env.get(name);
      if (value == null) {
        return defaultValue;
      }
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> {
          problems.add(name + " must be true or false, got '" + value + "'");
          yield defaultValue;
        }
      };
    }

    String choice(String name, String defaultValue, List<String> allowed) {
      String value = env.getOrDefault(name, defaultValue).trim();
      if (!allowed.contains(value)) {
        problems.add(name + " must be one of " + allowed + ", got '" + value + "'");
        return defaultValue;
      }
      return value;
    }

    int integer(String name, int defaultValue, int min, int max) {
      String value = env.get(name);
      if (value == null) {
        return defaultValue;
      }
      try {
        int parsedValue = Integer.parseInt(value.trim());
        if (parsedValue < min || parsedValue > max) {
          problems.add(
              "%s must be between %d and %d, got %d".formatted(name, min, max, parsedValue));
          return defaultValue;
        }
        return parsedValue;
      } catch (NumberFormatException e) {
        problems.add(name + " must be an integer, got '" + value + "'");
        return defaultValue;
      }
    }
  }
}
