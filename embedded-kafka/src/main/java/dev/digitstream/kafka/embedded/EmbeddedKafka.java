package dev.digitstream.kafka.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker and controller, one node) running in this JVM on
 * 127.0.0.1, with the settings a single node needs: replication factor 1 and min ISR 1 for the
 * offsets and transaction topics (exactly-once works), no initial rebalance delay, no topic
 * auto-creation.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaNode node;
  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final Path logDir;
  private final boolean ownsLogDir;

  private EmbeddedKafka(
      KafkaNode node,
      String bootstrapServers,
      Map<String, Object> clientProperties,
      Path logDir,
      boolean ownsLogDir) {
    this.node = node;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = clientProperties;
    this.logDir = logDir;
    this.ownsLogDir = ownsLogDir;
  }

  /** Starts a broker whose data lives in a new temporary folder, deleted on {@link #close}. */
  public static EmbeddedKafka start() throws IOException {
    return start(Files.createTempDirectory("embedded-kafka-"), true, Map.of());
  }

  /**
   * Starts a broker.
   *
   * @param logDir where the broker keeps its data
   * @param deleteOnClose whether {@link #close} deletes {@code logDir}
   * @param overrides broker properties that replace the defaults
   */
  public static EmbeddedKafka start(
      Path logDir, boolean deleteOnClose, Map<String, String> overrides) throws IOException {
    int brokerPort = KafkaNode.freePort();
    Properties props = combinedNode(logDir, "PLAINTEXT", brokerPort);
    props.put("listener.security.protocol.map", NodeConfig.PLAINTEXT_PROTOCOLS);
    props.putAll(overrides);
    String bootstrap = "127.0.0.1:" + brokerPort;
    return launch(
        props,
        logDir,
        deleteOnClose,
        bootstrap,
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        List.of());
  }

  /**
   * A broker whose only client listener is SASL_SSL with SCRAM-SHA-512, and which authorises every
   * request with Kafka's ACLs (no ACL, no access; {@code admin} is a super user).
   *
   * @param keyStore the broker's PKCS12 key store (its certificate names 127.0.0.1)
   * @param trustStore a PKCS12 trust store holding that certificate, for the broker's own clients
   * @param storePassword the password of both stores and of the key
   * @param users SCRAM users and their passwords; must include {@code admin}
   */
  public record Secured(
      Path keyStore, Path trustStore, String storePassword, Map<String, String> users) {

    /** The client properties that log in as {@code user} with {@code password}. */
    public Map<String, Object> client(String user, String password) {
      return Map.of(
          "security.protocol",
          "SASL_SSL",
          "sasl.mechanism",
          "SCRAM-SHA-512",
          "sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";"
              .formatted(user, password),
          "ssl.truststore.location",
          trustStore.toAbsolutePath().toString(),
          "ssl.truststore.type",
          "PKCS12",
          "ssl.truststore.password",
          storePassword);
    }
  }

  /** Starts a {@link Secured} broker in a new temporary folder, deleted on {@link #close}. */
  public static EmbeddedKafka startSecured(Secured secured) throws IOException {
    Path logDir = Files.createTempDirectory("embedded-kafka-secured-");
    int brokerPort = KafkaNode.freePort();
    Properties props = combinedNode(logDir, "SASL_SSL", brokerPort);
    NodeConfig.secure(props, secured);
    String bootstrap = "127.0.0.1:" + brokerPort;
    Map<String, Object> client =
        new HashMap<>(secured.client("admin", secured.users().get("admin")));
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return launch(props, logDir, true, bootstrap, client, NodeConfig.scramUsers(secured.users()));
  }

  /** Node 1, broker and controller in one, with its client listener on {@code brokerPort}. */
  private static Properties combinedNode(Path logDir, String listener, int brokerPort)
      throws IOException {
    int controllerPort = KafkaNode.freePort();
    Properties props = NodeConfig.shared(1, 1);
    NodeConfig.identify(props, 1, "broker,controller", "1@127.0.0.1:" + controllerPort, logDir);
    props.put(
        "listeners",
        listener + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", listener + "://127.0.0.1:" + brokerPort);
    props.put("inter.broker.listener.name", listener);
    return props;
  }

  private static EmbeddedKafka launch(
      Properties props,
      Path logDir,
      boolean deleteOnClose,
      String bootstrap,
      Map<String, Object> client,
      List<String> formatArgs)
      throws IOException {
    KafkaNode node = KafkaNode.format(props, logDir, Uuid.randomUuid().toString(), formatArgs);
    node.start();
    EmbeddedKafka kafka =
        new EmbeddedKafka(node, bootstrap, Map.copyOf(client), logDir, deleteOnClose);
    kafka.awaitReady(Duration.ofSeconds(60));
    LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers);
    return kafka;
  }

  /**
   * Stops the broker, waits {@code downtime}, and starts it again on the same ports with the same
   * data: what clients see when a broker is restarted.
   */
  public synchronized void restart(Duration downtime) throws IOException, InterruptedException {
    node.stop();
    LOG.info("embedded Kafka broker stopped; restarting in {} ms", downtime.toMillis());
    Thread.sleep(downtime.toMillis());
    node.start();
    awaitReady(Duration.ofSeconds(60));
    LOG.info("embedded Kafka broker restarted at {}", bootstrapServers);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Admin client properties for this broker (as the super user {@code admin} when secured). */
  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  /**
   * Creates a topic with replication factor 1 and waits until every partition's leader serves it.
   */
  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(clientProperties())) {
      AdminWaits.createTopic(admin, new NewTopic(name, partitions, (short) 1), bootstrapServers);
    }
  }

  private void awaitReady(Duration timeout) throws IOException {
    try (Admin admin = Admin.create(clientProperties())) {
      AdminWaits.await(
          "embedded Kafka to be ready",
          timeout,
          () -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
    } catch (IllegalStateException e) {
      throw new IOException(
          Thread.currentThread().isInterrupted()
              ? "interrupted while waiting for Kafka"
              : "embedded Kafka did not become ready in " + timeout,
          e);
    }
  }

  /** Stops the broker and, if it owns it, deletes its data. */
  @Override
  public synchronized void close() {
    node.stop();
    if (ownsLogDir) {
      KafkaNode.deleteData(logDir);
    }
  }
}
