package dev.digitstream.systemtests.reliability;

import static dev.digitstream.systemtests.reliability.LifecycleFixture.collapse;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.copyTopic;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.events;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.lifecycleEnv;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.modelInfo;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.registry;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.status;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.trainer;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.version;
import static dev.digitstream.systemtests.reliability.LifecycleFixture.versionsByPartition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.VersionFigures;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelStatus;
import dev.digitstream.registry.ModelTopic;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.systemtests.e2e.MonitoringFiles;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import dev.digitstream.testsupport.TrainedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The model lifecycle under load, as users run it: stream-app JVMs, exactly-once, labelled records
 * at a steady rate; models published with the trainer's commands; the gate promoting a better
 * candidate and rejecting a scrambled one; a rollback by command and an automatic one; a restart
 * after a promotion; a corrupted version.
 */
@Timeout(900)
class ModelLifecycleIT {

  private static final int PARTITIONS = 12;
  private static final int RECORDS = 30_000;
  private static final int RATE = 1_000;
  private static final Duration IN_STEP = Duration.ofSeconds(10);

  @Test
  void shouldPromoteABetterCandidateThroughTheGateOnEveryReplicaInStepAndRollBackByCommand()
      throws Exception {
    String first = version(TrainedModel.get());
    String second = version(TrainedModel.another());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = lifecycleEnv(kafka, "lifecycle", PARTITIONS);
      // the first release, decided before the replicas start: they start on it from the topic
      trainer(env, "publish", "--model", TrainedModel.get().toString(), "--create-topic");
      trainer(env, "promote", first, "--reason", "first release");
      RunReport report;
      Decision promotion;
      long inStepMs;
      double p99Before;
      double p99Swap;
      long rollbackMs;
      try (StreamAppProcess a = StreamAppProcess.start(env, "lifecycle-a").awaitReady();
          StreamAppProcess b = StreamAppProcess.start(env, "lifecycle-b").awaitReady();
          LatencyRecorder latency = new LatencyRecorder(List.of(a, b))) {
        List<StreamAppProcess> replicas = List.of(a, b);
        var load = FaultFixture.load(env, RECORDS, RATE);
        awaitPredicted(replicas, RECORDS / 3);
        for (StreamAppProcess app : replicas) {
          assertThat(modelInfo(app.scrape(), first)).as("started on decision 1").isEqualTo(1);
        }

        // published, not promoted: the gate decides
        trainer(env, "publish", "--model", TrainedModel.another().toString());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> PrometheusScrape.sum(a.scrape(), "digitstream_model_shadow_records") > 0);
        assertLifecycleMetricsOfTheDashboardsIn(a.scrape());
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> decided(replicas) >= 2);
        long bothServing = System.currentTimeMillis();
        try (RegistryClient registry = registry(env)) {
          promotion = registry.read(Duration.ofSeconds(15)).decision().orElseThrow();
        }
        inStepMs = bothServing - promotion.at().toEpochMilli();
        assertThat(promotion.sequence()).isEqualTo(2);
        assertThat(promotion.version()).isEqualTo(second);
        assertThat(promotion.reason()).startsWith("gate: accuracy");
        assertThat(reporters(a, b)).as("both replicas scored the candidate").isEqualTo(2);

        awaitPredicted(replicas, 2 * RECORDS / 3);
        long rolledBack = System.nanoTime();
        trainer(env, "rollback", "--reason", "lifecycle test");
        awaitDecision(replicas, 3);
        rollbackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rolledBack);

        report = load.get(180, TimeUnit.SECONDS);
        long decided = promotion.at().toEpochMilli();
        p99Before = latency.p99(decided - 10_000, decided);
        p99Swap = latency.p99(decided, decided + 10_000);
        for (StreamAppProcess app : replicas) {
          assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_swaps_total"))
              .as("each replica swapped twice")
              .isEqualTo(2);
        }
        assertThat(
                PrometheusScrape.sum(a.scrape(), "digitstream_model_decider")
                    + PrometheusScrape.sum(b.scrape(), "digitstream_model_decider"))
            .as("exactly one replica decides")
            .isEqualTo(1);
      }

      assertThat(inStepMs).as("both replicas serve the decision within 10 s").isLessThan(10_000);
      assertThat(report.verification().complete()).isTrue();
      assertThat(report.verification().missing()).isZero();
      assertThat(report.verification().duplicated()).isZero();
      var byVersion = report.verification().byModelVersion();
      assertThat(byVersion)
          .as("the producer's report by model version")
          .containsOnlyKeys(first, second);
      assertThat(byVersion.values().stream().mapToLong(VersionFigures::predictions).sum())
          .isEqualTo(RECORDS);
      Map<Integer, List<String>> versions = versionsByPartition(env);
      assertThat(versions).hasSize(PARTITIONS);
      versions.forEach(
          (partition, sequence) ->
              assertThat(collapse(sequence))
                  .as("model versions on partition %d, in offset order", partition)
                  .containsExactly(first, second, first));
      assertThat(p99Swap)
          .as("p99 latency in the 10 s after the decision against the 10 s before it")
          .isLessThanOrEqualTo(1.5 * p99Before);
      List<String> events = events(env);
      assertThat(events)
          .anyMatch(e -> e.contains("\"event\":\"shadow\"") && e.contains(second))
          .anyMatch(e -> e.contains("\"event\":\"promoted\"") && e.contains("gate: accuracy"))
          .anyMatch(e -> e.contains("\"event\":\"rolled-back\"") && e.contains(first));
      FaultFixture.record(
          "ModelLifecycleIT",
          "%,d records over %d partitions, 2 replicas: 0 lost, 0 duplicated; the gate promoted"
              + " the candidate (%s); both replicas served it %,d ms after the decision; p99"
              + " latency %.0f ms in the 10 s after it, %.0f ms in the 10 s before (with the"
              + " candidate in shadow); rollback by command in step %,d ms after it; every"
              + " partition switched once each way",
          RECORDS,
          PARTITIONS,
          promotion.reason(),
          inStepMs,
          1000 * p99Swap,
          1000 * p99Before,
          rollbackMs);
    }
  }

  @Test
  void shouldRejectAScrambledCandidateAndRollBackAScrambledPromotionAutomatically()
      throws Exception {
    String first = version(TrainedModel.get());
    String scrambled = version(TrainedModel.scrambled());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = lifecycleEnv(kafka, "lifecycle-gate", 2);
      trainer(env, "publish", "--model", TrainedModel.get().toString(), "--create-topic");
      trainer(env, "promote", first);
      RunReport report;
      try (StreamAppProcess app = StreamAppProcess.start(env, "lifecycle-gate").awaitReady()) {
        var load = FaultFixture.load(env, 20_000, RATE);
        awaitPredicted(List.of(app), 1_000);

        trainer(env, "publish", "--model", TrainedModel.scrambled().toString());
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> status(env, scrambled).isPresent());
        ModelStatus rejected = status(env, scrambled).orElseThrow();
        assertThat(rejected.state()).isEqualTo(ModelStatus.REJECTED);
        assertThat(rejected.reason()).startsWith("gate: accuracy").contains("below the floor");
        assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_decision"))
            .as("the old model keeps serving")
            .isEqualTo(1);

        // promoted by hand all the same: its probation rolls it back
        long predictedBefore = predicted(app);
        trainer(env, "promote", scrambled, "--reason", "overriding the gate");
        awaitDecision(List.of(app), 2);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> decided(List.of(app)) == 3);
        long predictedDuringProbation = predicted(app) - predictedBefore;
        report = load.get(180, TimeUnit.SECONDS);
        Decision rollback;
        try (RegistryClient registry = registry(env)) {
          rollback = registry.read(Duration.ofSeconds(15)).decision().orElseThrow();
        }
        assertThat(rollback.action()).isEqualTo(Decision.ROLLBACK);
        assertThat(rollback.version()).isEqualTo(first);
        assertThat(rollback.reason()).startsWith("probation: serving accuracy");
        FaultFixture.record(
            "ModelLifecycleIT",
            "scrambled candidate rejected (%s); promoted by hand, rolled back automatically"
                + " (%s) after %,d predictions",
            rejected.reason(),
            rollback.reason(),
            predictedDuringProbation);
      }
      assertThat(report.verification().missing()).isZero();
      assertThat(report.verification().duplicated()).isZero();
      VersionFigures served = report.verification().byModelVersion().get(scrambled);
      assertThat(served).as("the scrambled model really served for a while").isNotNull();
      assertThat(served.accuracy()).as("and got (nearly) everything wrong").isLessThan(0.2);
      versionsByPartition(env)
          .forEach(
              (partition, sequence) ->
                  assertThat(collapse(sequence))
                      .as("model versions on partition %d", partition)
                      .containsExactly(first, scrambled, first));
      assertThat(events(env))
          .anyMatch(
              e ->
                  e.contains("\"event\":\"rejected\"")
                      && e.contains(scrambled)
                      && e.contains("below the floor"))
          .anyMatch(e -> e.contains("\"event\":\"rolled-back\"") && e.contains("probation"));
    }
  }

  @Test
  void shouldComeBackOnTheDecidedVersionAfterARestartAndRefuseACorruptedVersion() throws Exception {
    Path firstModel = TrainedModel.get();
    String first = version(firstModel);
    String second = version(TrainedModel.another());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = lifecycleEnv(kafka, "lifecycle-restart", 2);
      trainer(env, "publish", "--model", TrainedModel.another().toString(), "--create-topic");
      trainer(env, "promote", second);

      try (StreamAppProcess app = StreamAppProcess.start(env, "lifecycle-restart").awaitReady()) {
        assertThat(modelInfo(app.scrape(), second))
            .as("started on the decided version, not MODEL_PATH")
            .isEqualTo(1);
        assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_decision")).isEqualTo(1);
      }
      // the first model's chunks with chunk 0 replaced by garbage, then its manifest: a
      // candidate no replica can load
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        String topic = env.get(StreamAppConfig.MODEL_TOPIC);
        try (RegistryClient scratch =
            new RegistryClient(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                topic + "-scratch")) {
          scratch.createTopic(1);
          scratch.publish(firstModel);
          // copy every record of the scratch topic, chunk 0 corrupted, manifest last
          copyTopic(env, topic + "-scratch", topic, ModelTopic.chunkKey(first, 0), producer);
        }
      }
      try (StreamAppProcess app =
          StreamAppProcess.start(env, "lifecycle-restart-again").awaitReady()) {
        assertThat(modelInfo(app.scrape(), second)).as("and again after a restart").isEqualTo(1);
        await()
            .atMost(IN_STEP)
            .until(() -> FaultFixture.countLines(app.log(), first + " refused") > 0);
        try (RegistryClient registry = registry(env)) {
          registry.decide(first, Decision.PROMOTE, "corrupted on purpose"); // the command refuses
        }
        await()
            .atMost(IN_STEP)
            .until(() -> FaultFixture.countLines(app.log(), "cannot serve it") > 0);
        RunReport report = FaultFixture.load(env, 500, 500).get(120, TimeUnit.SECONDS);

        assertThat(report.verification().complete()).as("serving went on").isTrue();
        assertThat(modelInfo(app.scrape(), second)).isEqualTo(1);
        assertThat(versionsByPartition(env).values().stream().flatMap(List::stream))
            .containsOnly(second);
        assertThat(PrometheusScrape.sum(app.scrape(), "digitstream_model_decision"))
            .as("the refused decision is not followed")
            .isEqualTo(1);
      }
      assertThat(events(env))
          .anyMatch(
              e ->
                  e.contains("\"event\":\"refused\"")
                      && e.contains(first)
                      && e.contains("SHA-256"));
    }
  }

  /** What the dashboards read that only a running lifecycle exports is in a real scrape. */
  private static void assertLifecycleMetricsOfTheDashboardsIn(String scrape) throws Exception {
    Set<String> exported = PrometheusScrape.names(scrape);
    Set<String> lifecycle = new TreeSet<>();
    for (String expr : MonitoringFiles.dashboardExpressions()) {
      MonitoringFiles.metricNames(expr).stream()
          .filter(MonitoringFiles::lifecycleOnly)
          .forEach(lifecycle::add);
    }
    assertThat(lifecycle).hasSizeGreaterThanOrEqualTo(4).isSubsetOf(exported);
  }

  /** How many of the replicas ran a model in shadow (the shadow step's batch count). */
  private static int reporters(StreamAppProcess... apps) throws Exception {
    int count = 0;
    for (StreamAppProcess app : apps) {
      count += shadowBatches(app.scrape()) > 0 ? 1 : 0;
    }
    return count;
  }

  private static double shadowBatches(String scrape) {
    return scrape
        .lines()
        .filter(l -> l.startsWith("digitstream_batch_duration_seconds_count{"))
        .filter(l -> l.contains("step=\"shadow\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long predicted(StreamAppProcess app) throws Exception {
    return (long) PrometheusScrape.sum(app.scrape(), "digitstream_predictions_out_total");
  }

  /** The highest decision any of the replicas follows. */
  private static long decided(List<StreamAppProcess> apps) throws Exception {
    long max = 0;
    for (StreamAppProcess app : apps) {
      max = Math.max(max, (long) PrometheusScrape.sum(app.scrape(), "digitstream_model_decision"));
    }
    return max;
  }

  private static void awaitPredicted(List<StreamAppProcess> apps, int count) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              double sum = 0;
              for (StreamAppProcess app : apps) {
                sum += PrometheusScrape.sum(app.scrape(), "digitstream_predictions_out_total");
              }
              return sum >= count;
            });
  }

  /** Waits until every replica follows decision {@code sequence}: the 10 s. */
  private static void awaitDecision(List<StreamAppProcess> apps, long sequence) {
    await()
        .atMost(IN_STEP)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (StreamAppProcess app : apps) {
                if (PrometheusScrape.sum(app.scrape(), "digitstream_model_decision") != sequence) {
                  return false;
                }
              }
              return true;
            });
  }
}
