package dev.digitstream.streamapp.lifecycle;

import dev.digitstream.model.LoadedModel;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelEvent;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.registry.ModelManifest;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.registry.RegistrySnapshot;
import dev.digitstream.registry.ShadowReport;
import dev.digitstream.registry.SnapshotCollector;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.ModelGeneration;
import dev.digitstream.streamapp.batching.Shadow;
import dev.digitstream.streamapp.batching.ShadowScore;
import dev.digitstream.streamapp.metrics.ModelMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's side of the model lifecycle, on a thread of its own, so that stream threads never
 * wait for a download or a warm-up. It reads the model topic as it grows (own consumer, by
 * assignment, from the beginning) and after each poll:
 *
 * <ol>
 *   <li>follows a decision newer than the one served: the decided version (the copies already
 *       warmed up when it was in shadow, else fetched, checked and warmed up) is handed to the
 *       {@link Batchers}, which switch at each stream thread's next batch boundary;
 *   <li>keeps the right version in shadow ({@link RegistrySnapshot#shadowTarget}): fetched, checked
 *       and warmed up, then scored on every batch beside the serving model;
 *   <li>every {@link #REPORT_EVERY} writes this replica's shadow figures to the topic;
 *   <li>on the elected replica, once the topic is read to its end, lets the {@link ModelDecider}
 *       judge.
 * </ol>
 *
 * <p>A version that cannot be loaded (missing or corrupt chunks, a foreign model) is refused with
 * an event and one ERROR line; serving goes on with the current model.
 */
public final class ModelFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  /** How often a decided version that could not be loaded is tried again. */
  static final Duration RETRY_EVERY = Duration.ofSeconds(10);

  /** How often a replica writes its shadow figures. */
  static final Duration REPORT_EVERY = Duration.ofSeconds(1);

  private final RegistryClient registry;
  private final ModelEvents events;
  private final Map<String, Object> clientProperties;
  private final String topic;
  private final Batchers batchers;
  private final ModelMetrics metrics;
  private final GatePolicy policy;
  private final DeciderElection election;
  private final ModelDecider decider;
  private final int copies;
  private final int maxBatch;
  private final Thread thread;
  private SnapshotCollector collector;
  private final Set<String> refused = new HashSet<>();
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private long applied;
  private Decision followed;
  private Decision failed;
  private long failedAt;
  private ModelGeneration replaced;
  private long lastReport;
  private long lastReportedScored = -1;
  private boolean reportRefused;

  /**
   * @param applied the decision served at start (null for none)
   * @param group the consumer group that elects the decider
   * @param copies model copies to warm up, one per stream thread
   */
  public ModelFollower(
      RegistryClient registry,
      ModelEvents events,
      Map<String, Object> clientProperties,
      String topic,
      String group,
      GatePolicy policy,
      Decision applied,
      Batchers batchers,
      ModelMetrics metrics,
      int copies,
      int maxBatch) {
    this.registry = registry;
    this.events = events;
    this.clientProperties = clientProperties;
    this.topic = topic;
    this.policy = policy;
    this.applied = applied == null ? 0 : applied.sequence();
    this.followed = applied;
    this.batchers = batchers;
    this.metrics = metrics;
    this.copies = copies;
    this.maxBatch = maxBatch;
    this.election = policy.automatic() ? new DeciderElection(clientProperties, topic, group) : null;
    this.decider = new ModelDecider(policy, registry, events);
    this.thread = new Thread(this::run, "model-follower");
    thread.setDaemon(true);
    metrics.bindDecider(() -> election != null && election.leader());
  }

  public ModelFollower start() {
    thread.start();
    if (election != null) {
      election.start();
    }
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
        collector = new SnapshotCollector(); // read afresh on every (re)connection
        boolean read = false; // the topic read to its end once: until then, a partial picture
        while (running) {
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
          for (ConsumerRecord<String, byte[]> record : records) {
            collector.accept(record.key(), record.value());
          }
          boolean caughtUp = caughtUp(consumer, partitions);
          read |= caughtUp;
          if (read) {
            step(collector.snapshot(), caughtUp);
          }
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

  private void step(RegistrySnapshot snapshot, boolean caughtUp) {
    Optional<Decision> decision = snapshot.decision();
    if (decision.isPresent() && isNew(decision.get())) {
      apply(decision.get());
    }
    String serving = batchers.generation().version();
    keepShadow(snapshot, serving);
    report();
    if (caughtUp && election != null && election.leader()) {
      decider.consider(snapshot, serving);
    }
    Map<String, String> states = new HashMap<>(snapshot.states(serving, policy.probations()));
    states.put(serving, RegistrySnapshot.SERVING); // also when it came from MODEL_PATH
    metrics.states(states);
  }

  /**
   * A later decision than the one followed; or one of the same sequence that replaced it (two
   * writers decided at once: the topic's latest record is the one every replica follows).
   */
  private boolean isNew(Decision decision) {
    return decision.sequence() > applied
        || (decision.sequence() == applied && followed != null && !decision.equals(followed));
  }

  /**
   * Serves the decided version. One that cannot be loaded is tried again every {@link #RETRY_EVERY}
   * (a broker blip during the fetch must not leave this replica behind for good); meanwhile the
   * current model serves on.
   */
  private void apply(Decision decision) {
    ModelGeneration current = batchers.generation();
    if (decision.version().equals(current.version())) {
      applied = decision.sequence();
      followed = decision;
      batchers.serve(current, decision.sequence());
      metrics.followed(decision.sequence());
      return;
    }
    long now = System.nanoTime();
    if (decision.equals(failed) && now - failedAt < RETRY_EVERY.toNanos()) {
      return;
    }
    LOG.info(
        "model decision {}: {} {} ({}); serving {}",
        decision.sequence(),
        decision.action(),
        decision.version(),
        decision.reason(),
        current.version());
    Optional<ModelGeneration> next = generationOf(decision.version(), "serve");
    if (next.isEmpty()) {
      failed = decision;
      failedAt = now;
      return;
    }
    applied = decision.sequence();
    followed = decision;
    failed = null;
    replaced = current;
    batchers.serve(next.get(), decision.sequence());
    metrics.served(next.get().metadata(), decision.sequence());
    LOG.info("triage: {}", batchers.review().describe(next.get().metadata()));
    events.emit(
        ModelEvent.SERVING,
        decision.version(),
        "decision #%d (%s), from each stream thread's next batch; previous %s"
            .formatted(decision.sequence(), decision.action(), current.version()));
  }

  /** Scores the version the topic says should be in shadow now, or none. */
  private void keepShadow(RegistrySnapshot snapshot, String serving) {
    Optional<String> target = snapshot.shadowTarget(serving, policy.probations());
    Shadow current = batchers.shadow();
    if (target.isEmpty()) {
      if (current != null) {
        batchers.shadow(null);
        metrics.shadow(null);
      }
      return;
    }
    String version = target.get();
    if (current != null
        && current.score().version().equals(version)
        && current.score().serving().equals(serving)) {
      return;
    }
    ModelManifest manifest = snapshot.manifests().get(version);
    if (refused.contains(version + "@" + manifest.sha256())) {
      return; // refused already; a new publication of it would have another SHA-256
    }
    Optional<ModelGeneration> generation = generationOf(version, "shadow");
    if (generation.isEmpty()) {
      refused.add(version + "@" + manifest.sha256());
      batchers.shadow(null); // whatever was in shadow before is not the version to score now
      metrics.shadow(null);
      if (election != null && election.leader()) {
        decider.reject(version, "cannot be loaded from the model topic");
      }
      return;
    }
    ShadowScore score = new ShadowScore(version, serving);
    batchers.shadow(new Shadow(generation.get(), score, policy.shadowShare()));
    metrics.shadow(() -> score.report(events.source()));
    lastReportedScored = -1;
    reportRefused = false;
    boolean probation = snapshot.probation().filter(version::equals).isPresent();
    events.emit(
        ModelEvent.SHADOW,
        version,
        (probation ? "probation: the replaced version scored beside " : "scored beside ")
            + serving);
  }

  /**
   * Warmed-up copies of {@code version}: those this replica already has (in shadow, or served
   * before the last swap), else fetched from the topic, checked and warmed up here; empty, with an
   * event, when it cannot be loaded.
   */
  private Optional<ModelGeneration> generationOf(String version, String purpose) {
    Shadow shadow = batchers.shadow();
    if (shadow != null && shadow.generation().version().equals(version)) {
      return Optional.of(shadow.generation());
    }
    if (replaced != null && replaced.version().equals(version)) {
      return Optional.of(replaced);
    }
    try {
      LoadedModel model = registry.fetch(version, FETCH_TIMEOUT);
      return Optional.of(ModelGeneration.warmedUp(model, copies, maxBatch));
    } catch (RuntimeException e) {
      events.emit(
          ModelEvent.REFUSED,
          version,
          "cannot %s it: %s; still serving %s"
              .formatted(purpose, e.getMessage(), batchers.generation().version()));
      return Optional.empty();
    }
  }

  /** Writes this replica's figures for the version in shadow, when they changed. */
  private void report() {
    Shadow shadow = batchers.shadow();
    long now = System.nanoTime();
    if (shadow == null || now - lastReport < REPORT_EVERY.toNanos()) {
      return;
    }
    ShadowReport report = shadow.score().report(events.source());
    if (report.scored() == lastReportedScored) {
      return;
    }
    lastReport = now;
    try {
      registry.report(report);
      lastReportedScored = report.scored();
    } catch (RuntimeException e) {
      if (!reportRefused) { // once per version in shadow, not every second
        LOG.warn(
            "cannot report shadow figures on {} to topic {} (WRITE on it, docs/security.md): {}",
            report.version(),
            topic,
            e.getMessage());
        reportRefused = true;
      }
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
    for (TopicPartition p : partitions) {
      OptionalLong lag = consumer.currentLag(p);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return true;
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
    if (election != null) {
      election.close();
    }
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup(); // not an interrupt: an interrupted consumer takes 30 s to close
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.close();
  }
}
