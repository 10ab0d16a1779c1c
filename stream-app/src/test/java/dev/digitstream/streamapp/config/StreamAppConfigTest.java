package dev.digitstream.streamapp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamAppConfigTest {

  @Test
  void shouldUseTheDocumentedDefaults() {
    StreamAppConfig config = StreamAppConfig.fromEnv(Map.of());

    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.inputTopic()).isEqualTo("images");
    assertThat(config.outputTopic()).isEqualTo("predictions");
    assertThat(config.dlqTopic()).isEqualTo("images-dlq");
    assertThat(config.modelPath()).isEqualTo(Path.of("models"));
    assertThat(config.batchMaxSize()).isEqualTo(128);
    assertThat(config.batchMaxDelayMs()).isEqualTo(10);
    assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(config.metricsPort()).isEqualTo(9404);
    assertThat(config.nd4jThreads()).isEqualTo(1);
    assertThat(config.streamThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void shouldReportEveryInvalidValueAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                StreamAppConfig.fromEnv(
                    Map.of(
                        "BATCH_MAX_SIZE", "0",
                        "BATCH_MAX_DELAY_MS", "soon",
                        "PROCESSING_GUARANTEE", "exactly_once",
                        "CREATE_TOPICS", "yes",
                        "INPUT_TOPIC", "predictions")));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "BATCH_MAX_SIZE must be between 1 and 4096, got 0",
            "BATCH_MAX_DELAY_MS must be an integer, got 'soon'",
            "PROCESSING_GUARANTEE must be one of [exactly_once_v2, at_least_once], got 'exactly_once'",
            "CREATE_TOPICS must be true or false, got 'yes'",
            "INPUT_TOPIC must differ from OUTPUT_TOPIC, DLQ_TOPIC and REVIEW_TOPIC");
  }

  @Test
  void shouldPassKafkaPropertiesThroughAndMaskSecrets() {
    StreamAppConfig config =
        StreamAppConfig.fromEnv(
            Map.of(
                "KAFKA_CFG_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_CFG_SASL_JAAS_CONFIG",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";",
                "KAFKA_CFG_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "PROCESSING_GUARANTEE", "at_least_once",
                "COMMIT_INTERVAL_MS", "250"));

    var props = config.streamsProperties();
    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.password", "changeit")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 250L)
        .containsEntry("producer.linger.ms", 5)
        .containsEntry("producer.batch.size", 65536);
    assertThat(
            StreamAppConfig.fromEnv(
                    Map.of(
                        "KAFKA_CFG_PRODUCER_LINGER_MS", "20",
                        "KAFKA_CFG_PRODUCER_BATCH_SIZE", "16384"))
                .streamsProperties())
        .containsEntry("producer.linger.ms", "20")
        .containsEntry("producer.batch.size", "16384");
    assertThat(props.getProperty("sasl.jaas.config")).contains("hunter2");
    assertThat(config.toString())
        .contains("security.protocol=SASL_SSL")
        .doesNotContain("hunter2")
        .doesNotContain("changeit")
        .contains("sasl.jaas.config=****");
  }

  @Test
  void shouldRefuseToPassThroughWhatTheDeliveryGuaranteeDependsOn() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                StreamAppConfig.fromEnv(
                    Map.of(
                        "KAFKA_CFG_PRODUCTION_EXCEPTION_HANDLER", "x.Continue",
                        "KAFKA_CFG_PROCESSING_EXCEPTION_HANDLER", "x.Continue",
                        "KAFKA_CFG_MAIN_CONSUMER_INTERNAL_LEAVE_GROUP_ON_CLOSE", "false",
                        "KAFKA_CFG_PRODUCER_ACKS", "1",
                        "CHANGELOG_REPLICATION_FACTOR", "2",
                        "CHANGELOG_MIN_INSYNC_REPLICAS", "3")));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "KAFKA_CFG_PRODUCTION_EXCEPTION_HANDLER cannot be set: the stream-app sets production.exception.handler itself",
            "KAFKA_CFG_PROCESSING_EXCEPTION_HANDLER cannot be set: the stream-app sets processing.exception.handler itself",
            "KAFKA_CFG_MAIN_CONSUMER_INTERNAL_LEAVE_GROUP_ON_CLOSE cannot be set: the stream-app sets main.consumer.internal.leave.group.on.close itself",
            "KAFKA_CFG_PRODUCER_ACKS must be all (or -1): fewer acknowledgements can lose records",
            "CHANGELOG_MIN_INSYNC_REPLICAS must not exceed CHANGELOG_REPLICATION_FACTOR");
  }

  @Test
  void shouldCommitEverySecondUnderAtLeastOnceUnlessTold() {
    String interval = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;
    Map<String, String> alo = Map.of("PROCESSING_GUARANTEE", "at_least_once");
    assertThat(StreamAppConfig.fromEnv(alo).streamsProperties().get(interval)).isEqualTo(1_000);
    // exactly-once keeps Kafka Streams' own 100 ms
    assertThat(StreamAppConfig.fromEnv(Map.of()).streamsProperties()).doesNotContainKey(interval);
    Map<String, String> told = new HashMap<>(alo);
    told.put("COMMIT_INTERVAL_MS", "30000");
    assertThat(StreamAppConfig.fromEnv(told).streamsProperties().get(interval)).isEqualTo(30_000L);
    told.remove("COMMIT_INTERVAL_MS");
    told.put("KAFKA_CFG_COMMIT_INTERVAL_MS", "5000");
    assertThat(StreamAppConfig.fromEnv(told).streamsProperties().get(interval)).isEqualTo("5000");
  }

  @Test
  void shouldMakeTheChangelogDurableByDefaultAndFitItToASmallerCluster() {
    StreamAppConfig config = StreamAppConfig.fromEnv(Map.of());
    assertThat(config.changelogReplicationFactor()).isEqualTo(3);
    assertThat(config.changelogMinInsyncReplicas()).isEqualTo(2);
    assertThat(config.streamsProperties().get(StreamsConfig.REPLICATION_FACTOR_CONFIG))
        .isEqualTo(3);

    StreamAppConfig single = config.forCluster(1);
    assertThat(single.changelogReplicationFactor()).isEqualTo(1);
    assertThat(single.changelogMinInsyncReplicas()).isEqualTo(1);
    assertThat(config.forCluster(2).changelogMinInsyncReplicas()).isEqualTo(2);
    assertThat(config.forCluster(5).changelogReplicationFactor()).isEqualTo(3);
  }

  @Test
  void shouldSetTheHandlersTheGuaranteeNeedsAndReadTheProducersRecordLimit() {
    StreamAppConfig config =
        StreamAppConfig.fromEnv(
            Map.of(
                "KAFKA_CFG_PRODUCER_MAX_REQUEST_SIZE", "2097152",
                "KAFKA_CFG_COMPRESSION_TYPE", "lz4"));

    var props = config.streamsProperties();
    assertThat(props.get(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG))
        .isEqualTo(WallClockIfInvalidTimestamp.class);
    assertThat(props.get("main.consumer.internal.leave.group.on.close")).isEqualTo(true);
    assertThat(config.producerMaxRequestSize()).isEqualTo(2_097_152);
    assertThat(config.producerCompresses()).isTrue();
    assertThat(StreamAppConfig.fromEnv(Map.of()).producerMaxRequestSize()).isEqualTo(1_048_576);
  }

  @Test
  void shouldStampARecordWithoutTimestampWithTheWallClock() {
    var record =
        new org.apache.kafka.clients.consumer.ConsumerRecord<Object, Object>("t", 0, 0, "k", "v");
    long before = System.currentTimeMillis();
    long stamped = new WallClockIfInvalidTimestamp().extract(record, 5);
    assertThat(record.timestamp()).isEqualTo(-1);
    assertThat(stamped).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void shouldRefuseAnEmptyNameAndAThreadCountOutOfRange() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                StreamAppConfig.fromEnv(
                    Map.of(
                        StreamAppConfig.MODEL_PATH, " ",
                        StreamAppConfig.STREAM_THREADS, "65",
                        StreamAppConfig.STATE_DIR, " ")));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "MODEL_PATH must not be empty", "STREAM_THREADS must be between 1 and 64, got 65");
  }
}
