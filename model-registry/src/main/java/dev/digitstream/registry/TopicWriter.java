package dev.digitstream.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records to the model topic through one idempotent producer with {@code acks=all}, made on
 * the first write (read-only uses never connect a producer). A write returns once every record is
 * acknowledged, so what follows it (a manifest after its chunks) is never seen without it.
 */
final class TopicWriter implements AutoCloseable {

  private final Map<String, Object> kafkaProperties;
  private final String topic;
  private final Duration timeout;
  private KafkaProducer<String, byte[]> producer;

  TopicWriter(Map<String, Object> kafkaProperties, String topic, Duration timeout) {
    this.kafkaProperties = kafkaProperties;
    this.topic = topic;
    this.timeout = timeout;
  }

  /**
   * Writes {@code records} (key to value) in their order and waits for the broker to acknowledge
   * them all.
   *
   * @param what what they are, for the message of a failure
   */
  void write(LinkedHashMap<String, byte[]> records, String what) {
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    records.forEach(
        (key, value) -> sent.add(producer().send(new ProducerRecord<>(topic, key, value))));
    producer().flush();
    try {
      for (Future<RecordMetadata> future : sent) {
        future.get();
      }
    } catch (ExecutionException e) {
      throw new RegistryException(
          "cannot write the %s to topic %s: %s".formatted(what, topic, e.getCause().getMessage()),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while writing the " + what, e);
    }
  }

  /** {@link #write(LinkedHashMap, String)} of one record. */
  void write(String key, byte[] value, String what) {
    LinkedHashMap<String, byte[]> one = new LinkedHashMap<>();
    one.put(key, value);
    write(one, what);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(timeout);
    }
  }

  private KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Map<String, Object> props = new HashMap<>();
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "model-registry");
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (2 * timeout.toMillis()));
      props.putAll(kafkaProperties);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
    return producer;
  }
}
