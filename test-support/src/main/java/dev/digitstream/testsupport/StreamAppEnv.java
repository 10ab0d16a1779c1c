package dev.digitstream.testsupport;

import static dev.digitstream.streamapp.config.StreamAppConfig.APPLICATION_ID;
import static dev.digitstream.streamapp.config.StreamAppConfig.DLQ_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.INPUT_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS;
import static dev.digitstream.streamapp.config.StreamAppConfig.METRICS_BIND_ADDRESS;
import static dev.digitstream.streamapp.config.StreamAppConfig.METRICS_PORT;
import static dev.digitstream.streamapp.config.StreamAppConfig.MODEL_PATH;
import static dev.digitstream.streamapp.config.StreamAppConfig.OUTPUT_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.REVIEW_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.STATE_DIR;
import static dev.digitstream.streamapp.config.StreamAppConfig.STREAM_THREADS;

import dev.digitstream.common.kafka.KafkaClientEnv;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The stream-app's environment for a test, in-process ({@code StreamAppConfig.fromEnv}) or as its
 * own JVM ({@link StreamAppProcess}); the names are {@code StreamAppConfig}'s.
 *
 * <p>By default: the {@link TrainedModel}, 2 stream threads, the state under {@code
 * target/kafka-streams-state/<application id>}, metrics on any free port of 127.0.0.1 (a {@link
 * StreamAppProcess} sets its own), the app's default topic names, and review off: a test about
 * something else counts every valid record as a prediction; {@link #review} turns it on.
 */
public final class StreamAppEnv {

  private final Map<String, String> env = new HashMap<>();

  private StreamAppEnv(String bootstrapServers, String applicationId) {
    env.put(KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    env.put(APPLICATION_ID, applicationId);
    env.put(MODEL_PATH, TrainedModel.get().toString());
    env.put(METRICS_PORT, "0");
    env.put(METRICS_BIND_ADDRESS, "127.0.0.1");
    env.put(STREAM_THREADS, "2");
    env.put(REVIEW_TOPIC, "");
    stateDir(Path.of("target", "kafka-streams-state", applicationId));
  }

  /** A stream-app with id {@code applicationId} against the cluster at {@code bootstrapServers}. */
  public static StreamAppEnv of(String bootstrapServers, String applicationId) {
    return new StreamAppEnv(bootstrapServers, applicationId);
  }

  /** Reads {@code input}, writes predictions to {@code output}, dead letters to {@code dlq}. */
  public StreamAppEnv topics(String input, String output, String dlq) {
    env.put(INPUT_TOPIC, input);
    env.put(OUTPUT_TOPIC, output);
    env.put(DLQ_TOPIC, dlq);
    return this;
  }

  /** Sends what triage does not accept to {@code topic}, at the model's own threshold. */
  public StreamAppEnv review(String topic) {
    env.put(REVIEW_TOPIC, topic);
    return this;
  }

  /** Kafka Streams' state folder (made absolute). */
  public StreamAppEnv stateDir(Path dir) {
    env.put(STATE_DIR, dir.toAbsolutePath().toString());
    return this;
  }

  /** One setting, by its {@code StreamAppConfig} name. */
  public StreamAppEnv set(String name, Object value) {
    env.put(name, String.valueOf(value));
    return this;
  }

  /** A Kafka client property, passed through as its {@code KAFKA_CFG_*} variable. */
  public StreamAppEnv kafka(String property, Object value) {
    env.put(KafkaClientEnv.variable(property), String.valueOf(value));
    return this;
  }

  /** Kafka client properties, each passed through as its {@code KAFKA_CFG_*} variable. */
  public StreamAppEnv kafka(Map<?, ?> properties) {
    properties.forEach((property, value) -> kafka(property.toString(), value));
    return this;
  }

  /** The environment, a copy the caller may change. */
  public Map<String, String> toMap() {
    return new HashMap<>(env);
  }
}
