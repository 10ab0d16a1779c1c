package dev.digitstream.registry;

import dev.digitstream.common.kafka.TopicCheck;
import dev.digitstream.common.mnist.Sha256;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFileException;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Publishes models to the model topic, reads what it holds, fetches and checks a version, and
 * records serving decisions, statuses and shadow reports. Reads go from the topic's beginning to
 * its current end by assignment (no consumer group), seeing committed records only; writes go
 * through one idempotent producer with {@code acks=all}. Failures are {@link RegistryException}s
 * with a one-line message.
 *
 * <p>Not thread-safe: one client per thread.
 */
public final class RegistryClient implements AutoCloseable {

  /** How long the operations without a timeout argument wait for the broker. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * What {@link #publish} did.
   *
   * @param manifest the version's manifest on the topic
   * @param written false when the topic already held this very file, and nothing was written
   */
  public record Published(ModelManifest manifest, boolean written) {}

  private final Map<String, Object> kafkaProperties;
  private final String topic;
  private final Object servers;
  private Admin admin;
  private final TopicWriter writer;

  /**
   * @param kafkaProperties bootstrap servers and any client settings (security, ...)
   * @param topic the model topic
   */
  public RegistryClient(Map<String, Object> kafkaProperties, String topic) {
    this.kafkaProperties = Map.copyOf(kafkaProperties);
    this.topic = topic;
    this.servers = kafkaProperties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    this.writer = new TopicWriter(this.kafkaProperties, topic, DEFAULT_TIMEOUT);
  }

  public String topic() {
    return topic;
  }

  /** Whether the topic exists; a broker that does not answer within {@code timeout} is refused. */
  public boolean topicExists(Duration timeout) {
    return TopicScan.describe(admin(), topic, servers, timeout).isPresent();
  }

  /**
   * Creates the topic: one partition, {@link ModelTopic#topicConfig()}.
   *
   * @param replicationFactor replicas of the partition; 0 or less for the broker's default
   */
  public void createTopic(int replicationFactor) {
    create(topic, ModelTopic.topicConfig(), replicationFactor);
  }

  /**
   * Creates an events topic ({@link ModelEvents}): one partition, so events read in the order they
   * were written, and the broker's default retention; nothing when it exists.
   */
  public void createEventsTopic(String eventsTopic, int replicationFactor) {
    if (TopicScan.describe(admin(), eventsTopic, servers, DEFAULT_TIMEOUT).isEmpty()) {
      create(eventsTopic, Map.of(), replicationFactor);
    }
  }

  private void create(String name, Map<String, String> configs, int replicationFactor) {
    NewTopic newTopic =
        new NewTopic(
                name,
                Optional.of(1),
                replicationFactor > 0 ? Optional.of((short) replicationFactor) : Optional.empty())
            .configs(configs);
    try {
      admin()
          .createTopics(List.of(newTopic))
          .all()
          .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      TopicCheck.awaitReady(admin(), List.of(name), servers, DEFAULT_TIMEOUT);
    } catch (IOException e) {
      throw new RegistryException(e.getMessage(), e);
    } catch (ExecutionException e) {
      throw new RegistryException(
          e.getCause() instanceof TopicExistsException
              ? "topic %s already exists on %s".formatted(name, servers)
              : "cannot create topic %s on %s: %s"
                  .formatted(name, servers, e.getCause().getMessage()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new RegistryException(TopicCheck.unreachableMessage(servers, DEFAULT_TIMEOUT), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while creating topic " + name, e);
    }
  }

  /** {@link #publish(Path, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public Published publish(Path modelFileOrRunDir) {
    return publish(modelFileOrRunDir, DEFAULT_TIMEOUT);
  }

  /**
   * Publishes a model file (or the model of a run folder, see {@link ModelFiles#resolve}): all its
   * chunks, then its manifest. Does nothing when the topic already holds this version with the same
   * SHA-256; refuses a version already published with other bytes (versions are immutable).
   */
  public Published publish(Path modelFileOrRunDir, Duration timeout) {
    Path file;
    ModelMetadata metadata;
    byte[] bytes;
    try {
      file = ModelFiles.resolve(modelFileOrRunDir);
      // what a replica would refuse is refused here, before anything is written
      metadata = ModelFiles.load(file).metadata();
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RegistryException(e.getMessage(), e);
    }
    String version = metadata.versionId();
    String sha256 = Sha256.of(bytes);
    ModelManifest existing = read(timeout).manifests().get(version);
    if (existing != null) {
      if (existing.sha256().equals(sha256)) {
        return new Published(existing, false);
      }
      throw new RegistryException(
          "model %s is already on topic %s with SHA-256 %s, and %s has %s: a version is published once"
              .formatted(version, topic, existing.sha256(), file, sha256));
    }
    int chunks = ModelTopic.chunkCount(bytes.length);
    LinkedHashMap<String, byte[]> records = new LinkedHashMap<>();
    for (int i = 0; i < chunks; i++) {
      int from = i * ModelTopic.CHUNK_SIZE;
      records.put(
          ModelTopic.chunkKey(version, i),
          Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + ModelTopic.CHUNK_SIZE)));
    }
    writer.write(records, "chunks of model " + version);
    ModelManifest manifest =
        new ModelManifest(
            version,
            sha256,
            bytes.length,
            chunks,
            metadata.recipe(),
            metadata.testAccuracy(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    writer.write(
        ModelTopic.manifestKey(version),
        RegistryJson.write(manifest),
        "manifest of model " + version);
    return new Published(manifest, true);
  }

  /** What the topic holds, read from its beginning to its current end. */
  public RegistrySnapshot read(Duration timeout) {
    SnapshotCollector collector = new SnapshotCollector();
    TopicScan.scan(admin(), kafkaProperties, topic, timeout, collector::accept);
    return collector.snapshot();
  }

  /**
   * Fetches a version from the topic, checks that every chunk is there and that their SHA-256
   * matches the manifest, and loads it with {@link ModelFiles#load} (architecture, input contract
   * and content hash checks).
   */
  public LoadedModel fetch(String version, Duration timeout) {
    ChunkAssembly assembly = new ChunkAssembly(version);
    TopicScan.scan(admin(), kafkaProperties, topic, timeout, assembly::accept);
    byte[] bytes = assembly.bytes();
    Path file = null;
    try {
      file = Files.createTempFile("model-" + version + "-", ".zip");
      Files.write(file, bytes);
      return ModelFiles.load(file);
    } catch (ModelFileException e) {
      throw new RegistryException(
          "model " + version + " from topic " + topic + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new RegistryException(
          "model " + version + ": cannot write a temporary file: " + e.getMessage(), e);
    } finally {
      deleteQuietly(file);
    }
  }

  /** {@link #decide(String, String, String, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public Decision decide(String version, String action, String reason) {
    return decide(version, action, reason, DEFAULT_TIMEOUT);
  }

  /**
   * Records that {@code version} serves from now on: sequence = the latest decision's + 1, previous
   * = the version it decided. Refuses a version with no manifest, and the version already serving.
   * A rollback also marks the version rolled back from {@link ModelStatus#REJECTED}, and a
   * promotion the unjudged versions published before the promoted one {@link ModelStatus#RETIRED}
   * (superseded), in the same write.
   *
   * @param action {@link Decision#PROMOTE} or {@link Decision#ROLLBACK}
   * @param reason why (may be null)
   */
  public Decision decide(String version, String action, String reason, Duration timeout) {
    if (!Decision.isAction(action)) {
      throw new IllegalArgumentException(
          "action must be %s or %s, not %s".formatted(Decision.PROMOTE, Decision.ROLLBACK, action));
    }
    RegistrySnapshot snapshot = read(timeout);
    if (!snapshot.manifests().containsKey(version)) {
      throw new RegistryException(
          "model %s is not published on topic %s".formatted(version, topic));
    }
    Optional<Decision> latest = snapshot.decision();
    if (latest.isPresent() && latest.get().version().equals(version)) {
      throw new RegistryException(
          "model %s is already serving (decision #%d)".formatted(version, latest.get().sequence()));
    }
    Decision decision =
        new Decision(
            latest.map(Decision::sequence).orElse(0L) + 1,
            version,
            action,
            latest.map(Decision::version).orElse(null),
            reason,
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    LinkedHashMap<String, byte[]> records = new LinkedHashMap<>();
    if (Decision.PROMOTE.equals(action)) {
      // versions published before the promoted one and never judged are superseded: retired, so
      // that a later rollback does not make them candidates again (the one replaced stays
      // unjudged: its successor's probation scores it)
      for (String earlier : snapshot.manifests().keySet()) {
        if (earlier.equals(version)) {
          break;
        }
        if (!earlier.equals(decision.previous()) && snapshot.status(earlier).isEmpty()) {
          records.put(
              ModelTopic.statusKey(earlier),
              RegistryJson.write(
                  new ModelStatus(
                      earlier, ModelStatus.RETIRED, "superseded by " + version, decision.at())));
        }
      }
    }
    if (Decision.ROLLBACK.equals(action) && decision.previous() != null) {
      // the version rolled back from is out of the running: never shadowed again
      records.put(
          ModelTopic.statusKey(decision.previous()),
          RegistryJson.write(
              new ModelStatus(
                  decision.previous(),
                  ModelStatus.REJECTED,
                  "rolled back to " + version + (reason == null ? "" : ": " + reason),
                  decision.at())));
    }
    records.put(ModelTopic.DECISION_KEY, RegistryJson.write(decision));
    writer.write(records, "decision");
    return decision;
  }

  /** Records that a version is out of the running for good ({@link ModelStatus}). */
  public ModelStatus judge(String version, String state, String reason) {
    ModelStatus status =
        new ModelStatus(version, state, reason, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    writer.write(ModelTopic.statusKey(version), RegistryJson.write(status), "status of " + version);
    return status;
  }

  /** Writes one replica's latest shadow figures, replacing its previous report. */
  public void report(ShadowReport report) {
    writer.write(
        ModelTopic.reportKey(report.version(), report.replica()),
        RegistryJson.write(report),
        "shadow report");
  }

  /** Deletes the reports of these replicas for a version (tombstones), once it is judged. */
  public void forgetReports(String version, Collection<String> replicas) {
    LinkedHashMap<String, byte[]> tombstones = new LinkedHashMap<>();
    replicas.forEach(replica -> tombstones.put(ModelTopic.reportKey(version, replica), null));
    if (!tombstones.isEmpty()) {
      writer.write(tombstones, "tombstones of the reports on " + version);
    }
  }

  @Override
  public void close() {
    writer.close();
    if (admin != null) {
      // every admin call is awaited where it is made: what is still pending here was given up on
      admin.close(Duration.ZERO);
    }
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> props = new HashMap<>(kafkaProperties);
      props.putIfAbsent(
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
      props.putIfAbsent(
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_TIMEOUT.toMillis());
      admin = Admin.create(props);
    }
    return admin;
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        file.toFile().deleteOnExit(); // best effort: the model is loaded, only a temp file is left
      }
    }
  }
}
