package dev.digitstream.streamapp.config;

import dev.digitstream.common.kafka.KafkaClientEnv;
import dev.digitstream.streamapp.batching.BatchTiming;
import dev.digitstream.streamapp.lifecycle.GatePolicy;
import dev.digitstream.streamapp.review.ReviewPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The stream application's configuration, read from environment variables and validated by {@link
 * #fromEnv}, which reports all invalid values at once. Each component is a setting of {@link
 * StreamAppSettings#CONFIG_DEF} (its variable is the component's name in upper snake case, {@code
 * KAFKA_BOOTSTRAP_SERVERS} for {@code bootstrapServers}), where its default, valid values and
 * meaning are defined; {@code kafkaProperties} holds the {@code KAFKA_CFG_*} pass-through.
 */
public record StreamAppConfig(
    String bootstrapServers,
    String applicationId,
    String inputTopic,
    String outputTopic,
    String dlqTopic,
    Path modelPath,
    String modelTopic,
    String modelEventsTopic,
    ReviewPolicy review,
    GatePolicy gate,
    int batchMaxSize,
    long batchMaxDelayMs,
    long latencyTargetMs,
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
  public static final String MODEL_TOPIC = "MODEL_TOPIC";
  public static final String MODEL_EVENTS_TOPIC = "MODEL_EVENTS_TOPIC";
  public static final String REVIEW_TOPIC = "REVIEW_TOPIC";
  public static final String REVIEW_THRESHOLD = "REVIEW_THRESHOLD";
  public static final String GATE = "GATE";
  public static final String GATE_MIN_RECORDS = "GATE_MIN_RECORDS";
  public static final String GATE_TOLERANCE = "GATE_TOLERANCE";
  public static final String GATE_FLOOR = "GATE_FLOOR";
  public static final String GATE_CONFIDENCE = "GATE_CONFIDENCE";
  public static final String GATE_MAX_DISAGREEMENT = "GATE_MAX_DISAGREEMENT";
  public static final String PROBATION_RECORDS = "PROBATION_RECORDS";
  public static final String SHADOW_SHARE = "SHADOW_SHARE";
  public static final String BATCH_MAX_SIZE = "BATCH_MAX_SIZE";
  public static final String BATCH_MAX_DELAY_MS = "BATCH_MAX_DELAY_MS";
  public static final String LATENCY_TARGET_MS = "LATENCY_TARGET_MS";
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

  /** Reads and validates the configuration. */
  public static StreamAppConfig fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> v = StreamAppSettings.parse(env, problems);
    StreamAppConfig config =
        new StreamAppConfig(
            (String) v.get(KAFKA_BOOTSTRAP_SERVERS),
            (String) v.get(APPLICATION_ID),
            (String) v.get(INPUT_TOPIC),
            (String) v.get(OUTPUT_TOPIC),
            (String) v.get(DLQ_TOPIC),
            Path.of((String) v.get(MODEL_PATH)),
            ((String) v.get(MODEL_TOPIC)).trim(),
            ((String) v.get(MODEL_EVENTS_TOPIC)).trim(),
            new ReviewPolicy(
                ((String) v.get(REVIEW_TOPIC)).trim(), (Double) v.get(REVIEW_THRESHOLD)),
            new GatePolicy(
                "auto".equals(v.get(GATE)),
                (Integer) v.get(GATE_MIN_RECORDS),
                (Double) v.get(GATE_TOLERANCE),
                (Double) v.get(GATE_FLOOR),
                (Double) v.get(GATE_CONFIDENCE),
                (Double) v.get(GATE_MAX_DISAGREEMENT),
                (Integer) v.get(PROBATION_RECORDS),
                (Double) v.get(SHADOW_SHARE)),
            (Integer) v.get(BATCH_MAX_SIZE),
            (Integer) v.get(BATCH_MAX_DELAY_MS),
            (Integer) v.get(LATENCY_TARGET_MS),
            (Integer) v.get(STREAM_THREADS),
            (Integer) v.get(ND4J_THREADS),
            (String) v.get(PROCESSING_GUARANTEE),
            (Integer) v.get(COMMIT_INTERVAL_MS),
            (Integer) v.get(METRICS_PORT),
            (String) v.get(METRICS_BIND_ADDRESS),
            (Boolean) v.get(CREATE_TOPICS),
            (Integer) v.get(TOPIC_PARTITIONS),
            (Integer) v.get(ROLLING_ACCURACY_WINDOW),
            (String) v.get(STATE_DIR),
            (Integer) v.get(CHANGELOG_REPLICATION_FACTOR),
            (Integer) v.get(CHANGELOG_MIN_INSYNC_REPLICAS),
            KafkaClientEnv.properties(env));
    if (config.inputTopic().equals(config.outputTopic())
        || config.inputTopic().equals(config.dlqTopic())
        || config.inputTopic().equals(config.review().topic())) {
      problems.add("INPUT_TOPIC must differ from OUTPUT_TOPIC, DLQ_TOPIC and REVIEW_TOPIC");
    }
    if (config.review().enabled()
        && List.of(
                config.outputTopic(),
                config.dlqTopic(),
                config.modelTopic(),
                config.modelEventsTopic())
            .contains(config.review().topic())) {
      problems.add(
          "REVIEW_TOPIC must differ from OUTPUT_TOPIC, DLQ_TOPIC, MODEL_TOPIC and MODEL_EVENTS_TOPIC");
    }
    if (config.changelogMinInsyncReplicas() > config.changelogReplicationFactor()) {
      problems.add("CHANGELOG_MIN_INSYNC_REPLICAS must not exceed CHANGELOG_REPLICATION_FACTOR");
    }
    StreamsProperties.checkPassThrough(config.kafkaProperties(), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** The topics the app reads and writes records in: input, output, dead letters, review if on. */
  public List<String> topics() {
    List<String> topics = new ArrayList<>(List.of(inputTopic, outputTopic, dlqTopic));
    if (review.enabled()) {
      topics.add(review.topic());
    }
    return topics;
  }

  /** How batches wait: the maximum delay and the latency target. */
  public BatchTiming batchTiming() {
    return new BatchTiming(batchMaxDelayMs, latencyTargetMs);
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
        modelTopic,
        modelEventsTopic,
        review,
        gate,
        batchMaxSize,
        batchMaxDelayMs,
        latencyTargetMs,
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

  /**
   * What every plain Kafka client of the app shares: the cluster and the {@code KAFKA_CFG_*}
   * pass-through (security settings), without the settings aimed at one of Kafka Streams' clients.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>();
    kafkaProperties.forEach(
        (name, value) -> {
          if (!StreamsProperties.CLIENT_PREFIX.matcher(name).find()) {
            props.put(name, value);
          }
        });
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
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
    return StreamsProperties.of(this);
  }

  @Override
  public String toString() {
    Map<String, String> masked = KafkaClientEnv.masked(kafkaProperties);
    return ("StreamAppConfig[bootstrapServers=%s, applicationId=%s, inputTopic=%s, outputTopic=%s,"
            + " dlqTopic=%s, modelPath=%s, modelTopic=%s, modelEventsTopic=%s, review=%s, gate=%s,"
            + " batchMaxSize=%d, batchMaxDelayMs=%d, latencyTargetMs=%d, streamThreads=%d,"
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
            modelTopic,
            modelEventsTopic,
            review,
            gate,
            batchMaxSize,
            batchMaxDelayMs,
            latencyTargetMs,
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
}
