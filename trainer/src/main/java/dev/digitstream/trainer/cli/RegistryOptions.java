package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.DurationConverter;
import dev.digitstream.common.kafka.KafkaClientEnv;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.registry.ModelTopic;
import dev.digitstream.registry.RegistryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What the model registry commands share: where the model topic is and how long to wait for the
 * broker. Kafka client settings come from {@code $KAFKA_CFG_*}; the bootstrap servers from {@code
 * --bootstrap-servers}, else {@code $KAFKA_BOOTSTRAP_SERVERS}, else those settings, else {@value
 * #DEFAULT_SERVERS}.
 */
public final class RegistryOptions {

  static final String DEFAULT_SERVERS = "127.0.0.1:9092";

  @Option(
      names = "--bootstrap-servers",
      description =
          "Kafka bootstrap servers. Default: $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092.")
  String bootstrapServers;

  @Option(
      names = "--model-topic",
      description = "The model topic. Default: $MODEL_TOPIC, else " + ModelTopic.DEFAULT_NAME + ".")
  String modelTopic;

  @Option(
      names = "--events-topic",
      description =
          "The topic of lifecycle events. Default: $MODEL_EVENTS_TOPIC, else "
              + ModelTopic.DEFAULT_EVENTS_NAME
              + ".")
  String eventsTopic;

  @Option(
      names = "--timeout",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How long to wait for the broker (e.g. 5s, 1m). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  /** Checks the options; a bad value is a usage error (exit code 2). */
  void validate(CommandSpec spec) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    if (modelTopic != null && modelTopic.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--model-topic must not be empty");
    }
  }

  /** The model topic's name. */
  String topic(Map<String, String> env) {
    return modelTopic != null
        ? modelTopic
        : env.getOrDefault("MODEL_TOPIC", ModelTopic.DEFAULT_NAME);
  }

  /** The Kafka client settings. */
  Map<String, Object> kafkaProperties(Map<String, String> env) {
    Map<String, Object> props = new HashMap<>(KafkaClientEnv.properties(env));
    String servers =
        bootstrapServers != null
            ? bootstrapServers
            : env.getOrDefault(
                "KAFKA_BOOTSTRAP_SERVERS",
                (String)
                    props.getOrDefault(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_SERVERS));
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
    return props;
  }

  /** The events topic's name. */
  String eventsTopic(Map<String, String> env) {
    return eventsTopic != null
        ? eventsTopic
        : env.getOrDefault("MODEL_EVENTS_TOPIC", ModelTopic.DEFAULT_EVENTS_NAME);
  }

  /** The writer of lifecycle events, as {@code trainer}. */
  ModelEvents events(Map<String, String> env) {
    return new ModelEvents(kafkaProperties(env), eventsTopic(env), "trainer");
  }

  /** A client of the model topic. */
  RegistryClient open(Map<String, String> env) {
    return new RegistryClient(kafkaProperties(env), topic(env));
  }
}
