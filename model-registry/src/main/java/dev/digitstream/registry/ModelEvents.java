package dev.digitstream.registry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes lifecycle events: each one is logged (one line) and sent as JSON to the events topic,
 * keyed by version, without waiting for the broker. The events are the audit trail, not the control
 * plane (decisions and statuses on the model topic are): an event that cannot be written is logged
 * as a warning and does not stop what it describes. Thread-safe.
 */
public final class ModelEvents implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelEvents.class);

  private final String topic;
  private final String source;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param kafkaProperties bootstrap servers and any client settings (security, ...)
   * @param topic the events topic; empty: log lines only
   * @param source who writes (a replica id, {@code trainer})
   */
  public ModelEvents(Map<String, Object> kafkaProperties, String topic, String source) {
    this.topic = topic;
    this.source = source;
    if (topic.isEmpty()) {
      this.producer = null;
      return;
    }
    Map<String, Object> props = new HashMap<>(kafkaProperties);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "model-events");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000); // a missing topic: not a stall
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Who writes these events. */
  public String source() {
    return source;
  }

  /** Logs and sends one event. */
  public ModelEvent emit(String event, String version, String reason) {
    return emit(event, version, source, reason);
  }

  /** Logs and sends one event on behalf of {@code by} (the decider of a replica). */
  public ModelEvent emit(String event, String version, String by, String reason) {
    ModelEvent e =
        new ModelEvent(Instant.now().truncatedTo(ChronoUnit.MILLIS), event, version, by, reason);
    if (ModelEvent.REFUSED.equals(event)) {
      LOG.error(e.line());
    } else {
      LOG.info(e.line());
    }
    if (producer != null) {
      try {
        producer.send(
            new ProducerRecord<>(topic, version, RegistryJson.write(e)),
            (metadata, failure) -> {
              if (failure != null) {
                LOG.warn("model event not written to topic {}: {}", topic, failure.toString());
              }
            });
      } catch (RuntimeException failure) {
        LOG.warn("model event not written to topic {}: {}", topic, failure.toString());
      }
    }
    return e;
  }

  /** Sends what is buffered, waiting for the broker. */
  @Override
  public void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(10));
    }
  }
}
