package dev.digitstream.streamapp.lifecycle;

import dev.digitstream.model.LoadedModel;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelTopic;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.ModelGeneration;
import dev.digitstream.streamapp.metrics.ModelMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the decisions on the model topic, on a thread of its own: for each decision newer than
 * the one served, fetches and checks the decided version, warms up one copy per stream thread, and
 * hands them to the {@link Batchers}, which switch at each thread's next batch boundary. Stream
 * threads never wait for any of this.
 *
 * <p>It reads the topic with its own consumer, by assignment (no group), from the beginning and
 * then as it grows; only the {@code decision} key is looked at. A version that cannot be served
 * (missing or corrupt chunks, a foreign model) is refused with one ERROR line and the current model
 * stays; the next decision is followed again.
 */
public final class ModelFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  private final RegistryClient registry;
  private final Map<String, Object> clientProperties;
  private final String topic;
  private final Batchers batchers;
  private final ModelMetrics metrics;
  private final int copies;
  private final int maxBatch;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private long applied;

  /**
   * @param applied the sequence number of the decision served at start (0 for none)
   * @param copies model copies to warm up, one per stream thread
   */
  public ModelFollower(
      RegistryClient registry,
      Map<String, Object> clientProperties,
      String topic,
      long applied,
      Batchers batchers,
      ModelMetrics metrics,
      int copies,
      int maxBatch) {
    this.registry = registry;
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.applied = applied;
    this.batchers = batchers;
    this.metrics = metrics;
    this.copies = copies;
    this.maxBatch = maxBatch;
    this.thread = new Thread(this::run, "model-follower");
    thread.setDaemon(true);
  }

  public ModelFollower start() {
    thread.start();
    return this;
  }

  private void run() {
    while (running) {
      try (KafkaConsumer<String, byte[]> consumer = consumer()) {
        this.consumer = consumer;
        List<TopicPartition> partitions = partitions(consumer);
        while (running && partitions.isEmpty()) {
          Thread.sleep(2_000); // the topic does not exist (yet)
          partitions = partitions(consumer);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (running) {
          follow(consumer.poll(POLL));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (WakeupException e) {
        return; // close()
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("following model topic {} failed ({}); retrying", topic, e.toString());
          sleepQuietly();
        }
      }
    }
  }

  /** Applies the newest decision among {@code records}, if it is newer than the one followed. */
  private void follow(Iterable<ConsumerRecord<String, byte[]>> records) {
    Decision latest = null;
    for (ConsumerRecord<String, byte[]> record : records) {
      if (ModelTopic.DECISION_KEY.equals(record.key()) && record.value() != null) {
        Decision decision = Decision.fromJson(record.value());
        if (latest == null || decision.sequence() > latest.sequence()) {
          latest = decision;
        }
      }
    }
    if (latest != null && latest.sequence() > applied) {
      apply(latest);
    }
  }

  private void apply(Decision decision) {
    applied = decision.sequence();
    String current = batchers.generation().version();
    LOG.info(
        "model decision {}: {} {} ({}); serving {}",
        decision.sequence(),
        decision.action(),
        decision.version(),
        decision.reason(),
        current);
    if (decision.version().equals(current)) {
      metrics.followed(decision.sequence());
      return;
    }
    LoadedModel model;
    try {
      model = registry.fetch(decision.version(), FETCH_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.error(
          "model decision {}: cannot serve {}: {}; still serving {}",
          decision.sequence(),
          decision.version(),
          e.getMessage(),
          current);
      return;
    }
    batchers.serve(ModelGeneration.warmedUp(model, copies, maxBatch));
    metrics.served(model.metadata(), decision.sequence());
    LOG.info(
        "serving model {} (decision {}, test accuracy {}) from each stream thread's next batch",
        decision.version(),
        decision.sequence(),
        model.metadata().testAccuracy());
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
    var infos = consumer.listTopics(FETCH_TIMEOUT).get(topic);
    return infos == null
        ? List.of()
        : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "model-follower");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup(); // not an interrupt: an interrupted consumer takes 30 s to close
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
