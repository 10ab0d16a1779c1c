package dev.digitstream.systemtests.reliability;

import static dev.digitstream.testsupport.StreamAppProcess.KILLED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.kafka.embedded.EmbeddedKafkaCluster;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.topology.TopologyFactory;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults that need more than one broker: one broker down while the stream-app is killed.
 *
 * <p>Under at-least-once a prediction and the tombstone of its pending-store entry go to different
 * partitions; with the output's only broker down and the changelog's up, the tombstone can be
 * acknowledged while the prediction cannot. Under exactly-once the changelog's leader and the app
 * die together, and the app must restore its pending records from the remaining replicas.
 */
@Timeout(600)
class MultiBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  /**
   * Broker B holds only the output topic; broker A the input, the dead-letter topic and the
   * pending-images changelog. With B stopped the app's predictions cannot be acknowledged, so its
   * next commit blocks in the producer flush after its cache flush has written the changelog (on A)
   * for the store entries deleted since the last commit. A record read before the last completed
   * commit and predicted since then has its offset committed, its prediction unacknowledged and, if
   * its entry were deleted at emission, its tombstone acknowledged: a SIGKILL then loses it.
   */
  @Test
  void atLeastOnceLosesNothingWhenTheOutputLeaderIsDownAndTheAppIsKilled() throws Exception {
    int records = 8_000;
    int rate = 500;
    int partitions = 2;
    int brokerA = 1;
    int brokerB = 2;
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(2);
        Admin admin = Admin.create(cluster.clientProperties())) {
      // given the output on B alone, everything else on A, and a verified load under way
      Map<String, String> env =
          FaultFixture.appEnv(
              cluster.bootstrapServers(),
              (topic, count) ->
                  createOn(
                      admin, topic, count, topic.endsWith("-out") ? brokerB : brokerA, Map.of()),
              "multi-broker-alos",
              partitions);
      // Kafka Streams takes an existing internal topic with the right partition count as it is
      createOn(
          admin,
          changelog(env),
          partitions,
          brokerA,
          Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      env.put(StreamAppConfig.PROCESSING_GUARANTEE, "at_least_once");
      env.put(StreamAppConfig.COMMIT_INTERVAL_MS, "1000");
      // records wait in batches for the delay, not the size, so they cross commits there
      env.put(StreamAppConfig.BATCH_MAX_SIZE, "1024");
      env.put(StreamAppConfig.BATCH_MAX_DELAY_MS, "1500");
      env.put(StreamAppConfig.CHANGELOG_REPLICATION_FACTOR, "1");
      env.put(StreamAppConfig.CHANGELOG_MIN_INSYNC_REPLICAS, "1");

      CompletableFuture<RunReport> load;
      long stopAsked;
      long down;
      long killed;
      Stall stall;
      double pendingAtKill;
      double predictedWhileDown;
      boolean loadRunningAtKill;
      try (StreamAppProcess first =
          StreamAppProcess.start(env, "multi-broker-alos-0").awaitReady()) {
        load = FaultFixture.load(env, records, rate);
        awaitFlowing(first, 1_000);

        // when B stops, a commit blocks on its predictions, and the app is killed
        double predictedAtStop = metric(first, "digitstream_predictions_out_total");

        stopAsked = System.nanoTime();
        cluster.stopBroker(brokerB);
        down = System.nanoTime();
        // every thread has predictions for B in flight by now, so each one's next commit blocks
        stall = awaitStall(first, Duration.ofSeconds(3), Duration.ofSeconds(2));
        String scrape = first.scrape();
        pendingAtKill = PrometheusScrape.sum(scrape, "digitstream_pending_stored");
        predictedWhileDown =
            PrometheusScrape.sum(scrape, "digitstream_predictions_out_total") - predictedAtStop;
        loadRunningAtKill = !load.isDone();
        killed = System.nanoTime();
        assertThat(first.kill())
            .as("exit code after SIGKILL, see %s", first.log())
            .isEqualTo(KILLED);
      }
      List<Integer> liveAtKill = liveBrokers(admin);

      // then, with B and the app back, every record has a prediction
      cluster.startBroker(brokerB);
      long up = System.nanoTime();
      RunReport report;
      double restored;
      try (StreamAppProcess second =
          StreamAppProcess.start(env, "multi-broker-alos-1").awaitReady()) {
        report = load.get(10, TimeUnit.MINUTES);
        restored = metric(second, "digitstream_pending_restored_total");
      }

      Verification v = report.verification();
      FaultFixture.record(
          "multi-broker-alos",
          "%,d records at %,d/s over %d partitions, at_least_once, commit every 1 s, batches of up to 1.5 s; output only on broker %d, input, dead letters and pending changelog only on broker %d; broker %d stopped %.1f s (controlled, %.1f s to leave), SIGKILL %.1f s after it left (%s s without a record read before the kill; load still sending: %s), broker up again %.1f s after the kill; %,.0f predictions emitted while it was down, %,.0f records pending at the kill, %,.0f restored after the restart; %,d send errors, %,d predicted, %,d missing, %,d duplicated, %,d unexpected",
          report.sent().acknowledged(),
          rate,
          partitions,
          brokerB,
          brokerA,
          brokerB,
          seconds(stopAsked, up),
          seconds(stopAsked, down),
          seconds(down, killed),
          stall.describe(),
          loadRunningAtKill,
          seconds(killed, up),
          predictedWhileDown,
          pendingAtKill,
          restored,
          report.sent().errors(),
          v.predictions(),
          v.missing(),
          v.duplicated(),
          v.unexpected());
      assertThat(liveAtKill).as("brokers up at the kill").containsExactly(brokerA);
      assertThat(loadRunningAtKill).as("load still sending at the kill").isTrue();
      assertThat(stall.seconds())
          .as("seconds without a record read before the kill: every thread blocked in a commit")
          .isGreaterThanOrEqualTo(2);
      assertThat(predictedWhileDown).as("predictions emitted while B was down").isPositive();
      assertThat(report.sent().acknowledged()).isPositive();
      assertThat(v.missing()).as("lost, e.g. %s", v.missingKeys()).isZero();
      // after the loss: an entry deleted at emission leaves nothing pending at the kill
      assertThat(pendingAtKill).as("records pending at the kill").isPositive();
      assertThat(v.unexpected()).as("unexpected").isZero();
      assertThat(v.predictions()).isEqualTo(report.sent().acknowledged());
    }
  }

  /**
   * Three brokers, exactly-once, the changelog with 3 replicas and min ISR 2 (the defaults). The
   * leader of a changelog partition is hard-stopped (no controlled shutdown: the controller notices
   * when its session times out) as the app is killed; the app restarts while that broker is still
   * down, so it restores its pending records from the two replicas left.
   */
  @Test
  void exactlyOnceLosesAndDuplicatesNothingWhenTheChangelogLeaderAndTheAppDieTogether()
      throws Exception {
    int records = 8_000;
    int rate = 500;
    int partitions = 3;
    try (EmbeddedKafkaCluster cluster =
            EmbeddedKafkaCluster.start(3, Map.of("controlled.shutdown.enable", "false"));
        Admin admin = Admin.create(cluster.clientProperties())) {
      // given every topic on all three brokers and a verified load under way
      Map<String, String> env =
          FaultFixture.appEnv(
              cluster.bootstrapServers(),
              (topic, count) ->
                  cluster.createTopic(
                      topic, count, 3, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")),
              "multi-broker-eos",
              partitions);
      env.put(StreamAppConfig.BATCH_MAX_SIZE, "1024");
      env.put(StreamAppConfig.BATCH_MAX_DELAY_MS, "1000");
      String changelog = changelog(env);

      CompletableFuture<RunReport> load;
      int leaderBefore;
      List<Integer> isrBefore;
      double pendingAtKill;
      long killed;
      try (StreamAppProcess first =
          StreamAppProcess.start(env, "multi-broker-eos-0").awaitReady()) {
        load = FaultFixture.load(env, records, rate);
        awaitFlowing(first, 2_000);

        // when the leader of changelog partition 0 and the app die together
        leaderBefore = cluster.leaderOf(changelog, 0);
        isrBefore = cluster.isrOf(changelog, 0);
        pendingAtKill = awaitCommittedPending(first);

        killed = System.nanoTime();
        int stopped = leaderBefore;
        CompletableFuture<Void> stop =
            CompletableFuture.runAsync(() -> cluster.stopBroker(stopped));
        assertThat(first.kill())
            .as("exit code after SIGKILL, see %s", first.log())
            .isEqualTo(KILLED);
        stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      long left = System.nanoTime();
      int leader = leaderBefore;
      int newLeader =
          await("a new leader of " + changelog + "-0")
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(200))
              .until(() -> cluster.leaderOf(changelog, 0), l -> l != -1 && l != leader);

      // then the app restarted without that broker restores, and nothing is lost or duplicated
      double restored;
      List<Integer> liveAtRestore;
      Path restartLog;
      long ready;
      try (StreamAppProcess second =
          StreamAppProcess.start(env, "multi-broker-eos-1").awaitReady()) {
        restored =
            await("the restored pending records re-queued")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> metric(second, "digitstream_pending_restored_total"), r -> r > 0);
        ready = System.nanoTime();
        liveAtRestore = liveBrokers(admin);
        restartLog = second.log();
        cluster.startBroker(leader);
        RunReport report = load.get(10, TimeUnit.MINUTES);
        List<Integer> isrAfter =
            await("the restarted broker back in sync")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.isrOf(changelog, 0), isr -> isr.contains(leader));

        Verification v = report.verification();
        FaultFixture.record(
            "multi-broker-eos",
            "%,d records at %,d/s over %d partitions, exactly_once_v2, 3 brokers, changelog RF 3 min ISR 2; %,.0f records pending for 300 ms or more when the app was killed and broker %d (leader of pending-images-changelog-0, ISR %s) hard-stopped at once (%.1f s until it left the cluster); new leader broker %d; the restarted app restored and re-queued %,.0f pending records with brokers %s up (%.1f s after the kill), then broker %d came back (ISR %s); %,d send errors, %,d predicted, %,d missing, %,d duplicated, %,d unexpected",
            report.sent().acknowledged(),
            rate,
            partitions,
            pendingAtKill,
            leader,
            isrBefore,
            seconds(killed, left),
            newLeader,
            restored,
            liveAtRestore,
            seconds(killed, ready),
            leader,
            isrAfter,
            report.sent().errors(),
            v.predictions(),
            v.missing(),
            v.duplicated(),
            v.unexpected());
        assertThat(isrBefore).as("in-sync replicas before the stop").hasSize(3).contains(leader);
        assertThat(newLeader).as("the leader after the stop").isNotEqualTo(leader);
        assertThat(liveAtRestore).as("brokers up at the restore").doesNotContain(leader);
        assertThat(Files.readString(restartLog))
            .as("a broker that is down still counts towards the changelog's replicas")
            .doesNotContain("broker(s): the pending-images changelog gets");
        assertThat(pendingAtKill).as("records pending across a commit at the kill").isPositive();
        assertThat(restored)
            .as("pending records restored from the remaining replicas")
            .isPositive();
        assertThat(report.sent().acknowledged()).isPositive();
        assertThat(v.missing()).as("lost, e.g. %s", v.missingKeys()).isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.unexpected()).as("unexpected").isZero();
        assertThat(v.predictions()).isEqualTo(report.sent().acknowledged());
      }
    }
  }

  private static String changelog(Map<String, String> env) {
    return env.get(StreamAppConfig.APPLICATION_ID)
        + "-"
        + TopologyFactory.PENDING_STORE
        + "-changelog";
  }

  /**
   * Creates {@code topic} with every partition's only replica on {@code broker}, and waits until
   * that broker leads them all.
   */
  private static void createOn(
      Admin admin, String topic, int partitions, int broker, Map<String, String> configs) {
    Map<Integer, List<Integer>> replicas = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      replicas.put(p, List.of(broker));
    }
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, replicas).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create " + topic, e);
    }
    await("every partition of " + topic + " led by broker " + broker)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () ->
                admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(5, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(TopicPartitionInfo::leader),
            leaders -> leaders.allMatch(l -> l != null && l.id() == broker));
  }

  /** Waits until predictions flow and records wait in the pending stores. */
  private static void awaitFlowing(StreamAppProcess app, double predictions) {
    await("predictions flowing and records pending")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String scrape = app.scrape();
              return PrometheusScrape.sum(scrape, "digitstream_predictions_out_total")
                      >= predictions
                  && PrometheusScrape.sum(scrape, "digitstream_pending_stored") > 0;
            });
  }

  /**
   * Waits (for {@link #WAIT} at most) until at least 50 records have stayed pending for 300 ms,
   * three commit intervals under exactly-once, and returns a lower bound of how many: those pending
   * at one scrape less the predictions emitted until the next. A kill just after the batches ran
   * finds nothing pending in a committed transaction, and the restart has nothing to restore.
   */
  private static double awaitCommittedPending(StreamAppProcess app) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String before = app.scrape();
    while (true) {
      Thread.sleep(300);
      String after = app.scrape();
      double stayed =
          PrometheusScrape.sum(before, "digitstream_pending_stored")
              - (PrometheusScrape.sum(after, "digitstream_predictions_out_total")
                  - PrometheusScrape.sum(before, "digitstream_predictions_out_total"));
      if (stayed >= 50 || System.nanoTime() > deadline) {
        return Math.max(0, stayed);
      }
      before = after;
    }
  }

  /** How long the app had read no record when the wait ended. */
  private record Stall(double seconds) {
    String describe() {
      return String.format(Locale.ROOT, "%.1f", seconds);
    }
  }

  /**
   * Waits at least {@code atLeast}, then until no stream thread has read a record for {@code quiet}
   * (each is blocked in a commit, flushing sends that cannot be acknowledged), for 30 s at most;
   * either way returns how long the app had read nothing.
   */
  private static Stall awaitStall(StreamAppProcess app, Duration atLeast, Duration quiet)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(30);
    double lastRead = metric(app, "digitstream_records_in_total");
    long lastChange = start;
    while (true) {
      Thread.sleep(250);
      long now = System.nanoTime();
      double read = metric(app, "digitstream_records_in_total");
      if (read != lastRead) {
        lastRead = read;
        lastChange = now;
      }
      boolean waited = now - start >= atLeast.toNanos();
      if (waited && (now - lastChange >= quiet.toNanos() || now >= deadline)) {
        return new Stall((now - lastChange) / 1e9);
      }
    }
  }

  private static double metric(StreamAppProcess app, String name) throws Exception {
    return PrometheusScrape.sum(app.scrape(), name);
  }

  private static List<Integer> liveBrokers(Admin admin) throws Exception {
    return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
        .map(Node::id)
        .sorted()
        .toList();
  }

  private static double seconds(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e9;
  }
}
