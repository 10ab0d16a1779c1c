package dev.digitstream.streamapp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
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
            "INPUT_TOPIC must differ from OUTPUT_TOPIC and DLQ_TOPIC");
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
        .containsEntry("producer.linger.ms", 5);
    assertThat(
            StreamAppConfig.fromEnv(Map.of("KAFKA_CFG_PRODUCER_LINGER_MS", "20"))
                .streamsProperties())
        .containsEntry("producer.linger.ms", "20");
    assertThat(props.getProperty("sasl.jaas.config")).contains("hunter2");
    assertThat(config.toString())
        .contains("security.protocol=SASL_SSL")
        .doesNotContain("hunter2")
        .doesNotContain("changeit")
        .contains("sasl.jaas.config=****");
  }
}
