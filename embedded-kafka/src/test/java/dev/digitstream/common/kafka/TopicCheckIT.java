package dev.digitstream.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.kafka.embedded.EmbeddedKafkaCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TopicCheck} against a real broker. It lives here because common cannot depend on the
 * embedded broker's module.
 */
@Timeout(120)
class TopicCheckIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int TOPICS = 40;
  private static final int PARTITIONS = 12;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldWaitUntilATopicCreatedMeanwhileCanBeDescribed() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      String servers = kafka.bootstrapServers();
      assertThat(TopicCheck.describe(admin, List.of("late"), servers, TIMEOUT).missing())
          .as("the topic does not exist when the wait starts")
          .containsExactly("late");
      long start = System.nanoTime();
      CompletableFuture<Void> created =
          CompletableFuture.runAsync(
              () -> kafka.createTopic("late", 3),
              CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));

      TopicCheck.awaitReady(admin, List.of("late"), servers, TIMEOUT);

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("it waited for the topic, created a second after the wait began")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(TopicCheck.describe(admin, List.of("late"), servers, TIMEOUT).partitions())
          .containsEntry("late", 3);
      created.join();
    }
  }

  /**
   * A broker lists itself as a new partition's leader a moment before it serves the partition; a
   * produce in between is told NOT_LEADER_OR_FOLLOWER. A producer that does not retry sees that
   * moment, so each partition of many fresh topics is written to once, right after the wait.
   */
  @Test
  void shouldReturnOnlyOnceEveryPartitionsLeaderServesIt() throws Exception {
    Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.RETRIES_CONFIG, 0);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    List<String> refused = new ArrayList<>();
    try (Admin admin = Admin.create(kafka.clientProperties());
        Producer<byte[], byte[]> producer =
            new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int t = 0; t < TOPICS; t++) {
        String topic = "ready-" + t;
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        TopicCheck.awaitReady(admin, List.of(topic), kafka.bootstrapServers(), TIMEOUT);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          sent.add(producer.send(new ProducerRecord<>(topic, p, null, new byte[] {1})));
        }
        for (int p = 0; p < PARTITIONS; p++) {
          try {
            sent.get(p).get();
          } catch (ExecutionException e) {
            refused.add(topic + "-" + p + ": " + e.getCause());
          }
        }
      }
    }
    assertThat(refused).as("first writes refused right after the wait").isEmpty();
  }

  /**
   * In a cluster, the broker asked for a fresh topic's leaders may not have applied the create yet
   * while the one that described it has; the admin client gives up at once on that answer
   * ("metadata for topic ... could not be found"), which failed a CI run. Many fresh replicated
   * topics, each waited for right after its create.
   */
  @Test
  void shouldWaitUntilTheBrokerAskedForTheLeadersKnowsTheTopic() throws Exception {
    List<String> failed = new ArrayList<>();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
        Admin admin = Admin.create(cluster.clientProperties())) {
      for (int t = 0; t < TOPICS; t++) {
        String topic = "cluster-ready-" + t;
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get();
        try {
          TopicCheck.awaitReady(admin, List.of(topic), cluster.bootstrapServers(), TIMEOUT);
        } catch (IOException e) {
          failed.add(e.getMessage());
        }
      }
    }
    assertThat(failed).as("waits that failed").isEmpty();
  }

  @Test
  void shouldNameTheTopicThatNeverAppears() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      assertThatThrownBy(
              () ->
                  TopicCheck.awaitReady(
                      admin, List.of("never"), kafka.bootstrapServers(), Duration.ofSeconds(1)))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "topic(s) [never] do not exist on %s 1 s after they were created"
                  .formatted(kafka.bootstrapServers()));
    }
  }
}
