package dev.digitstream.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
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

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final boolean ownsLogDir;

  private EmbeddedKafka(
      KafkaRaftServer server, String bootstrapServers, Path logDir, boolean ownsLogDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
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
    int brokerPort = freePort();
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("node.id", "1");
    props.put("process.roles", "broker,controller");
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("log.dirs", logDir.toAbsolutePath().toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    props.putAll(overrides);

    Path config = logDir.resolve("server.properties");
    Files.createDirectories(logDir);
    try (Writer out = Files.newBufferedWriter(config)) {
      props.store(out, "embedded-kafka");
    }
    ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
    int formatted =
        StorageTool.execute(
            new String[] {
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              config.toString(),
              "--ignore-formatted"
            },
            new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
    if (formatted != 0) {
      throw new IOException("cannot format Kafka storage in " + logDir + ": " + formatOutput);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    EmbeddedKafka kafka =
        new EmbeddedKafka(server, "127.0.0.1:" + brokerPort, logDir, deleteOnClose);
    kafka.awaitReady(Duration.ofSeconds(60));
    LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers);
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Admin client properties for this broker. */
  public Map<String, Object> clientProperties() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** Creates a topic with replication factor 1 and waits until it exists. */
  public void createTopic(String name, int partitions) {
    List<NewTopic> topics = List.of(new NewTopic(name, partitions, (short) 1));
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics " + topics + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(clientProperties())) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("embedded Kafka did not become ready in " + timeout, e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Kafka", e);
    }
  }

  /** Stops the broker and, if it owns it, deletes its data. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (ownsLogDir) {
      try (var files = Files.walk(logDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", logDir, e.toString());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
