package dev.digitstream.kafka.embedded;

import dev.digitstream.common.files.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KRaft server of this JVM (broker, controller or both) and its data folder: formatted once,
 * then started and stopped as often as a test needs, always with the same properties, so that it
 * comes back with the same node id, ports and data.
 */
final class KafkaNode {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);

  private final Properties props;
  private KafkaRaftServer server;

  private KafkaNode(Properties props) {
    this.props = props;
  }

  /**
   * Writes {@code props} to {@code logDir/server.properties} and formats the node's storage as a
   * member of cluster {@code clusterId} (already formatted storage is kept).
   *
   * @param formatArgs further arguments for Kafka's storage tool, such as SCRAM users
   */
  static KafkaNode format(Properties props, Path logDir, String clusterId, List<String> formatArgs)
      throws IOException {
    Path config = logDir.resolve("server.properties");
    Files.createDirectories(logDir);
    try (Writer out = Files.newBufferedWriter(config)) {
      props.store(out, "embedded-kafka");
    }
    List<String> format =
        new ArrayList<>(
            List.of("format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"));
    format.addAll(formatArgs);
    ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
    int formatted =
        StorageTool.execute(
            format.toArray(String[]::new),
            new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
    if (formatted != 0) {
      throw new IOException("cannot format Kafka storage in " + logDir + ": " + formatOutput);
    }
    return new KafkaNode(props);
  }

  /**
   * Starts the server; for a broker this returns once the controller has unfenced it. A server that
   * fails to start is shut down again.
   */
  synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("node " + nodeId() + " is already running");
    }
    KafkaRaftServer starting =
        new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      starting.shutdown();
      starting.awaitShutdown();
      throw e;
    }
    server = starting;
  }

  /** Shuts the server down (a broker asks the controller first, unless configured otherwise). */
  synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  synchronized boolean isRunning() {
    return server != null;
  }

  int nodeId() {
    return Integer.parseInt(props.getProperty("node.id"));
  }

  /**
   * Runs {@code action} (start or stop) on every node at once and waits for all: brokers wait for
   * the controller, not for each other. Rethrows the first failure.
   */
  static void inParallel(Collection<KafkaNode> nodes, Consumer<KafkaNode> action) {
    ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, nodes.size()));
    try {
      CompletableFuture.allOf(
              nodes.stream()
                  .map(node -> CompletableFuture.runAsync(() -> action.accept(node), executor))
                  .toArray(CompletableFuture[]::new))
          .join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    } finally {
      executor.shutdown();
    }
  }

  /** A port on 127.0.0.1 that nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a node's data folder, logging (not throwing) what cannot be deleted. */
  static void deleteData(Path dir) {
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.toString());
    }
  }
}
