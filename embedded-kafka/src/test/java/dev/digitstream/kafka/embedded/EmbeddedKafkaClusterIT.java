package dev.digitstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class EmbeddedKafkaClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void shouldMoveLeadershipAndKeepServingWhenLeaderStopsThenRejoinIsrOnRestart() throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
      assertThat(cluster.brokerIds()).containsExactly(1, 2, 3);
      assertThat(cluster.bootstrapServers().split(","))
          .hasSize(3)
          .allMatch(a -> a.startsWith("127.0.0.1:"));
      String topic = "failover-" + UUID.randomUUID();
      cluster.createTopic(topic, 1, 3, Map.of("min.insync.replicas", "2"));
      await().atMost(WAIT).until(() -> cluster.isrOf(topic, 0), isr -> isr.size() == 3);

      try (var producer = producer(cluster, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
        send(producer, topic, "before", 10);
        int leader = cluster.leaderOf(topic, 0);
        assertThat(cluster.brokerIds()).contains(leader);

        cluster.stopBroker(leader);

        assertThat(liveBrokers(cluster)).hasSize(2).doesNotContain(leader);
        assertThat(cluster.leaderOf(topic, 0)).isNotEqualTo(leader).isPositive();
        assertThat(cluster.isrOf(topic, 0)).hasSize(2).doesNotContain(leader);
        // acks=all with min.insync.replicas=2: both remaining replicas must take each write
        send(producer, topic, "during", 10);
        assertThat(consume(cluster, topic, 20, "read_uncommitted"))
            .containsExactlyElementsOf(concat(values("before", 10), values("during", 10)));

        cluster.startBroker(leader);

        assertThat(liveBrokers(cluster)).containsExactlyInAnyOrder(1, 2, 3);
        await().atMost(WAIT).until(() -> cluster.isrOf(topic, 0), isr -> isr.contains(leader));
        send(producer, topic, "after", 10);
      }
      assertThat(consume(cluster, topic, 30, "read_uncommitted")).hasSize(30).endsWith("after-9");
    }
  }

  @Test
  void shouldCommitTransactionsWhileTheCoordinatorOfTwoBrokersIsHardStopped() throws Exception {
    // no controlled shutdown: the controller learns of the stop only when the session times out
    try (EmbeddedKafkaCluster cluster =
            EmbeddedKafkaCluster.start(2, Map.of("controlled.shutdown.enable", "false"));
        Admin admin = Admin.create(cluster.clientProperties())) {
      String topic = "transactions-" + UUID.randomUUID();
      String transactionalId = "tx-" + UUID.randomUUID();
      cluster.createTopic(topic, 2, 2, Map.of());

      try (var producer =
          producer(cluster, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId))) {
        producer.initTransactions();
        producer.beginTransaction();
        send(producer, topic, "first", 5);
        producer.commitTransaction();
        int coordinator = coordinatorOf(admin, transactionalId);
        int other = cluster.brokerIds().stream().filter(id -> id != coordinator).findFirst().get();

        cluster.stopBroker(coordinator);

        assertThat(liveBrokers(cluster)).containsExactly(other);
        producer.beginTransaction();
        send(producer, topic, "aborted", 5);
        producer.abortTransaction();
        producer.beginTransaction();
        send(producer, topic, "second", 5);
        producer.commitTransaction();
        assertThat(coordinatorOf(admin, transactionalId)).isEqualTo(other);
        assertThat(consume(cluster, topic, 10, "read_committed"))
            .containsExactlyInAnyOrderElementsOf(concat(values("first", 5), values("second", 5)));

        cluster.startBroker(coordinator);

        assertThat(liveBrokers(cluster)).containsExactlyInAnyOrder(1, 2);
        await()
            .atMost(WAIT)
            .until(() -> cluster.isrOf(topic, 0).size() + cluster.isrOf(topic, 1).size() == 4);
      }
    }
  }

  private static KafkaProducer<String, String> producer(
      EmbeddedKafkaCluster cluster, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    // a failover that does not happen fails the test in 30 s, not at the 2-minute defaults
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, WAIT.toMillis());
    config.putAll(extra);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Sends {@code count} records and waits for each acknowledgement. */
  private static void send(
      KafkaProducer<String, String> producer, String topic, String prefix, int count)
      throws Exception {
    for (String value : values(prefix, count)) {
      producer.send(new ProducerRecord<>(topic, value, value)).get();
    }
  }

  private static List<String> consume(
      EmbeddedKafkaCluster cluster, String topic, int count, String isolation) {
    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<String> values = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
              });
    }
    return values;
  }

  private static Set<Integer> liveBrokers(EmbeddedKafkaCluster cluster) throws Exception {
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      return admin.describeCluster().nodes().get(WAIT.toSeconds(), TimeUnit.SECONDS).stream()
          .map(Node::id)
          .collect(Collectors.toSet());
    }
  }

  private static int coordinatorOf(Admin admin, String transactionalId) throws Exception {
    return admin
        .describeTransactions(List.of(transactionalId))
        .description(transactionalId)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS)
        .coordinatorId();
  }

  private static List<String> values(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
