package dev.digitstream.kafka.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster in this JVM on 127.0.0.1: one dedicated KRaft controller and N brokers, each
 * with its own data folder, for tests that stop one broker (say the leader of a partition) while
 * the others keep serving, then start it again with its data.
 *
 * <p>The offsets and transaction-state topics get replication factor min(3, N) and are created when
 * the cluster starts, while every broker is up; their min ISR is one less than their replication
 * factor (at least 1), so consumer groups and exactly-once keep working with one broker down. User
 * topics get the replication factor they are created with. Brokers are fenced within seconds when
 * they stop heartbeating, and no out-of-sync replica is ever elected leader.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final int CONTROLLER_ID = 3000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration METADATA_LAG = Duration.ofSeconds(10);
  private static final Set<String> INTERNAL_TOPICS =
      Set.of("__consumer_offsets", "__transaction_state");

  private final Path root;
  private final KafkaNode controller;
  private final Map<Integer, KafkaNode> brokers;
  private final String bootstrapServers;
  private final Admin admin;
  private boolean closed;

  private EmbeddedKafkaCluster(
      Path root, KafkaNode controller, Map<Integer, KafkaNode> brokers, String bootstrapServers) {
    this.root = root;
    this.controller = controller;
    this.brokers = brokers;
    this.bootstrapServers = bootstrapServers;
    this.admin = Admin.create(clientProperties());
  }

  /** Starts a controller and {@code brokers} brokers with ids 1 to {@code brokers}. */
  public static EmbeddedKafkaCluster start(int brokers) throws IOException {
    return start(brokers, Map.of());
  }

  /**
   * Starts a controller and {@code brokers} brokers with ids 1 to {@code brokers}.
   *
   * @param overrides properties that replace the defaults on every node (the controller reads some
   *     of them too: {@code default.replication.factor}, {@code min.insync.replicas}, {@code
   *     broker.session.timeout.ms}); node ids, roles, listeners and data folders are the cluster's.
   *     With {@code controlled.shutdown.enable=false}, {@link #stopBroker} is a hard stop that the
   *     controller notices only when the broker's session times out.
   */
  public static EmbeddedKafkaCluster start(int brokers, Map<String, String> overrides)
      throws IOException {
    if (brokers < 1) {
      throw new IllegalArgumentException("a cluster needs at least one broker, not " + brokers);
    }
    int internalReplicas = Math.min(3, brokers);
    Properties defaults = NodeConfig.shared(internalReplicas, Math.max(1, internalReplicas - 1));
    // the controller fences a broker that stops heartbeating (a hard stop) after this session
    // timeout, and refuses to register a restarted broker until its old session has expired, so
    // this is also what startBroker waits right after stopBroker: 3 s, not 9 s; heartbeats every
    // 0.5 s (not 2 s) keep a busy machine from fencing live brokers and unfence new ones sooner
    defaults.put("broker.heartbeat.interval.ms", "500");
    defaults.put("broker.session.timeout.ms", "3000");
    defaults.put("replica.lag.time.max.ms", "10000");
    defaults.put("unclean.leader.election.enable", "false");
    // each broker's log cleaner allocates its whole dedupe buffer (128 MiB by default) up front
    defaults.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    defaults.putAll(overrides);

    Path root = Files.createTempDirectory("embedded-kafka-cluster-");
    String clusterId = Uuid.randomUuid().toString();
    int controllerPort = KafkaNode.freePort();
    String voters = CONTROLLER_ID + "@127.0.0.1:" + controllerPort;
    Map<Integer, KafkaNode> nodes = new TreeMap<>();
    List<String> bootstrap = new ArrayList<>();
    KafkaNode controller = null;
    try {
      Path dir = root.resolve("controller-" + CONTROLLER_ID);
      Properties props = nodeProps(defaults, CONTROLLER_ID, "controller", voters, dir);
      props.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
      controller = KafkaNode.format(props, dir, clusterId, List.of());
      controller.start();
      for (int id = 1; id <= brokers; id++) {
        String address = "127.0.0.1:" + KafkaNode.freePort();
        dir = root.resolve("broker-" + id);
        props = nodeProps(defaults, id, "broker", voters, dir);
        props.put("listeners", "PLAINTEXT://" + address);
        props.put("advertised.listeners", "PLAINTEXT://" + address);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        nodes.put(id, KafkaNode.format(props, dir, clusterId, List.of()));
        bootstrap.add(address);
      }
      // in parallel: each broker's start-up waits for the controller to unfence it
      KafkaNode.inParallel(nodes.values(), KafkaNode::start);
    } catch (IOException | RuntimeException e) {
      KafkaNode.inParallel(nodes.values(), KafkaNode::stop);
      if (controller != null) {
        controller.stop();
      }
      KafkaNode.deleteData(root);
      throw e;
    }
    EmbeddedKafkaCluster cluster =
        new EmbeddedKafkaCluster(root, controller, nodes, String.join(",", bootstrap));
    try {
      cluster.awaitBrokers(nodes.keySet());
      cluster.createInternalTopics();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info("embedded Kafka cluster of {} brokers ready at {}", brokers, cluster.bootstrapServers);
    return cluster;
  }

  /** The shared defaults plus a node's identity, which no override replaces. */
  private static Properties nodeProps(
      Properties defaults, int id, String role, String voters, Path dir) {
    Properties props = new Properties();
    props.putAll(defaults);
    NodeConfig.identify(props, id, role, voters, dir);
    props.put("listener.security.protocol.map", NodeConfig.PLAINTEXT_PROTOCOLS);
    return props;
  }

  /** Every broker's address, stopped ones included: clients skip those they cannot reach. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client properties that reach this cluster. */
  public Map<String, Object> clientProperties() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** The ids of all brokers, running or stopped, in ascending order. */
  public List<Integer> brokerIds() {
    return List.copyOf(brokers.keySet());
  }

  /** Creates a topic and waits until the brokers know it and every partition's leader serves it. */
  public void createTopic(
      String name, int partitions, int replicationFactor, Map<String, String> configs) {
    AdminWaits.createTopic(
        admin,
        new NewTopic(name, partitions, (short) replicationFactor).configs(configs),
        bootstrapServers);
  }

  /** The id of the broker leading {@code partition} of {@code topic}, or -1 if none does. */
  public int leaderOf(String topic, int partition) {
    Node leader = describe(topic, partition).leader();
    return leader == null || leader.isEmpty() ? -1 : leader.id();
  }

  /** The ids of the brokers in the in-sync replica set of {@code partition} of {@code topic}. */
  public List<Integer> isrOf(String topic, int partition) {
    return describe(topic, partition).isr().stream().map(Node::id).sorted().toList();
  }

  /**
   * Shuts broker {@code id} down (a controlled shutdown unless configured otherwise) and waits
   * until the cluster no longer lists it; the controller and the other brokers keep running.
   */
  public synchronized void stopBroker(int id) {
    KafkaNode broker = broker(id);
    if (!broker.isRunning()) {
      throw new IllegalStateException("broker " + id + " is already stopped");
    }
    broker.stop();
    awaitLiveBrokers(ids -> !ids.contains(id), "broker " + id + " to leave the cluster");
    LOG.info("embedded Kafka broker {} stopped", id);
  }

  /**
   * Starts broker {@code id} again, with the same node id, port and data, and waits until the
   * cluster lists it (the controller has unfenced it).
   */
  public synchronized void startBroker(int id) {
    KafkaNode broker = broker(id);
    if (broker.isRunning()) {
      throw new IllegalStateException("broker " + id + " is already running");
    }
    broker.start();
    awaitBrokers(Set.of(id));
    LOG.info("embedded Kafka broker {} started again", id);
  }

  /** Stops every broker, then the controller, and deletes all their data. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    try {
      KafkaNode.inParallel(brokers.values(), KafkaNode::stop);
    } finally {
      controller.stop();
      KafkaNode.deleteData(root);
    }
  }

  private KafkaNode broker(int id) {
    KafkaNode broker = brokers.get(id);
    if (broker == null) {
      throw new IllegalArgumentException("no broker " + id + "; brokers are " + brokerIds());
    }
    return broker;
  }

  /**
   * Describes a partition, allowing {@link #METADATA_LAG} for the answering broker to learn of a
   * topic that another broker already knows.
   */
  private TopicPartitionInfo describe(String topic, int partition) {
    AtomicReference<TopicDescription> found = new AtomicReference<>();
    AdminWaits.await(
        "a broker to describe topic " + topic,
        METADATA_LAG,
        () -> {
          found.set(
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(5, TimeUnit.SECONDS)
                  .get(topic));
          return true;
        });
    return found.get().partitions().stream()
        .filter(p -> p.partition() == partition)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException("topic " + topic + " has no partition " + partition));
  }

  private void awaitBrokers(Set<Integer> ids) {
    awaitLiveBrokers(live -> live.containsAll(ids), "brokers " + ids + " to join the cluster");
  }

  /** Waits until the brokers that the cluster lists (the unfenced ones) satisfy {@code test}. */
  private void awaitLiveBrokers(Predicate<Set<Integer>> test, String what) {
    await(
        what,
        () ->
            test.test(
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                    .map(Node::id)
                    .collect(Collectors.toSet())));
  }

  private static void await(String what, AdminWaits.Check check) {
    AdminWaits.await(what, WAIT, check);
  }

  /**
   * Asking for the coordinator of a group and of a transactional id makes the brokers create the
   * offsets and transaction-state topics; done now, while every broker can hold a replica. Both ids
   * are unknown, so the answers are errors, which come once a coordinator is loaded.
   */
  private void createInternalTopics() {
    String id = "embedded-kafka-cluster-warm-up";
    List<KafkaFuture<?>> warmUp =
        List.of(
            admin.listConsumerGroupOffsets(id).all(),
            admin.describeTransactions(List.of(id)).all());
    await(
        "the brokers to create " + INTERNAL_TOPICS,
        () ->
            warmUp.stream().allMatch(KafkaFuture::isDone)
                && admin
                    .listTopics(new ListTopicsOptions().listInternal(true))
                    .names()
                    .get(5, TimeUnit.SECONDS)
                    .containsAll(INTERNAL_TOPICS));
  }
}
