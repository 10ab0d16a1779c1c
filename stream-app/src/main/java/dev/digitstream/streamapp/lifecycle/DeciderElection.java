package dev.digitstream.streamapp.lifecycle;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one decider among the replicas with Kafka's group protocol: every replica joins the group
 * {@code <application id>-model-decider} on the model topic, which has one partition, so exactly
 * one member is assigned it; that one decides. When it stops (or its session times out), the group
 * gives the partition to another. The partition is paused: membership is all this consumer is for,
 * the {@link ModelFollower} reads the topic.
 */
final class DeciderElection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeciderElection.class);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final Map<String, Object> clientProperties;
  private final String topic;
  private final String group;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  DeciderElection(Map<String, Object> clientProperties, String topic, String group) {
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.group = group;
    this.thread = new Thread(this::run, "model-decider-election");
    thread.setDaemon(true);
  }

  DeciderElection start() {
    thread.start();
    return this;
  }

  /** Whether this replica holds the partition now, so decides. */
  boolean leader() {
    return leader;
  }

  private void run() {
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = consumer()) {
        consumer = c;
        c.subscribe(List.of(topic), new Listener(c));
        while (running) {
          c.poll(POLL);
        }
      } catch (WakeupException e) {
        return; // close()
      } catch (AuthorizationException e) {
        leader = false;
        LOG.warn(
            "not authorized to join group {} on {} ({}): this replica never decides on models"
                + " (grant READ on the group, docs/security.md)",
            group,
            topic,
            e.getMessage());
        return;
      } catch (RuntimeException e) {
        leader = false;
        if (running) {
          LOG.warn("decider election on {} failed ({}); retrying", topic, e.toString());
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> c;

    Listener(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      c.pause(partitions);
      if (!partitions.isEmpty() && !leader) {
        leader = true;
        LOG.info("this replica decides on models for the application (group {})", group);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      lose(partitions);
    }

    private void lose(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty() && leader) {
        leader = false;
        LOG.info("this replica no longer decides on models (group {})", group);
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "model-decider-election");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a replica killed without leaving the group hands over within this
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    running = false;
    leader = false;
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
