package dev.digitstream.producer;

import dev.digitstream.common.kafka.KafkaClientEnv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka client settings of a run: what the producer, the verifying consumer and the topic check
 * share, and what each adds. Later sources override earlier ones: {@code $KAFKA_CFG_*}, then {@code
 * --client-config}, then {@code -X}; the bootstrap servers come from {@code --bootstrap-servers},
 * else {@code $KAFKA_BOOTSTRAP_SERVERS}, else those settings, else {@code 127.0.0.1:9092}.
 */
final class ClientSettings {

  private final Map<String, Object> common;
  private final Duration timeout;

  private ClientSettings(Map<String, Object> common, Duration timeout) {
    this.common = Map.copyOf(common);
    this.timeout = timeout;
  }

  /** The settings {@code options} and {@code env} give. */
  static ClientSettings of(ProducerOptions options, Map<String, String> env) throws IOException {
    Map<String, Object> props = new HashMap<>(KafkaClientEnv.properties(env));
    if (options.clientConfig != null) {
      props.putAll(read(options.clientConfig));
    }
    props.putAll(options.properties);
    String servers =
        options.bootstrapServers != null
            ? options.bootstrapServers
            : env.getOrDefault(
                "KAFKA_BOOTSTRAP_SERVERS",
                (String)
                    props.getOrDefault(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return new ClientSettings(props, options.timeout);
  }

  private static Map<String, Object> read(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new IOException("cannot read client config " + file + ": " + e, e);
    }
    Map<String, Object> props = new HashMap<>();
    properties.forEach((k, v) -> props.put((String) k, v));
    return props;
  }

  /** What every client gets: connection and security settings. */
  Map<String, Object> common() {
    return common;
  }

  /** How long to wait for the broker. */
  Duration timeout() {
    return timeout;
  }

  /**
   * The producer's: durable, ordered, batched (acks from all replicas, idempotence, 5 ms linger),
   * unless the common settings say otherwise.
   */
  Map<String, Object> producer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.putAll(common);
    return props;
  }

  /** The verifying consumer's: committed records only, no offsets committed. */
  Map<String, Object> consumer() {
    Map<String, Object> props = new HashMap<>(common);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return props;
  }
}
