package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.common.kafka.KafkaClientEnv;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Take the broker away for longer than the stream-app's producer may block.
 *
 * <p>Under exactly-once a transaction commit that times out makes Kafka Streams mark the thread's
 * tasks corrupted and revive them: it closes and re-initialises the same processors and restores
 * their pending stores from the changelog. The records in those stores (offsets committed,
 * predictions not) must then be classified by the same process, not only after a restart.
 */
@Timeout(600)
class BrokerOutageIT {

  // Kafka Streams' StreamThread logs this when it closes corrupted tasks dirty and revives them
  private static final String REVIVED = "are corrupted. Will close the task as dirty";

  /**
   * The commit must time out, not block: Kafka Streams flushes the producer before it commits, and
   * that flush waits for the broker as long as a send to it is unacknowledged (up to {@code
   * delivery.timeout.ms}; a shorter one fails the sends instead, and Kafka Streams 4.1 then stops
   * the thread when it commits the thread's other tasks through the failed transaction). So the
   * records arrive in a burst, wait in batches that run only after 20 s, and the broker goes once
   * every send is acknowledged; the next punctuation (every 5 s) asks for a commit, which times out
   * after the producer's 4 s. One task per thread, because Kafka Streams 4.1 also stops a thread
   * that commits a task left out of the timed-out commit ("the previous call to commitTransaction
   * timed out and must be retried").
   */
  @Test
  void revivedTasksClassifyTheirRestoredPendingRecords() throws Exception {
    int records = 2_000;
    Duration outage = Duration.ofSeconds(15);
    Path data = Files.createTempDirectory(Path.of("target"), "broker-outage-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, true, Map.of())) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "outage", 4);
      // one task per thread, see above
      env.put(StreamAppConfig.STREAM_THREADS, "4");
      env.put(StreamAppConfig.BATCH_MAX_SIZE, "4096");
      env.put(StreamAppConfig.BATCH_MAX_DELAY_MS, "20000");
      env.put(KafkaClientEnv.variable("producer.max.block.ms"), "4000");
      try (StreamAppProcess app = StreamAppProcess.start(env, "broker-outage").awaitReady()) {
        long pid = app.pid();
        // The fault should happen on the first outage; should the broker's stop or a punctuation
        // fall otherwise, the outage is repeated with a fresh burst, three times at most. Every
        // burst is verified in full.
        long revives = 0;
        int attempts = 0;
        double pendingAtOutage = 0;
        RunReport report = null;
        while (revives == 0 && attempts < 3) {
          attempts++;
          var load = FaultFixture.load(env, records, 1000);
          awaitAllStoredAndSent(app, records, 4);
          pendingAtOutage = PrometheusScrape.sum(app.scrape(), "digitstream_pending_stored");

          kafka.restart(outage);
          report = load.get(10, TimeUnit.MINUTES);
          assertThat(report.verification().missing()).as("lost, attempt %d", attempts).isZero();
          assertThat(report.verification().duplicated()).as("duplicated").isZero();
          awaitStoresEmpty(app);
          revives = FaultFixture.countLines(app.log(), REVIVED);
        }
        double stored = awaitStoresEmpty(app);
        double restored = metric(app, "digitstream_pending_restored_total");

        Verification v = report.verification();
        FaultFixture.record(
            "broker-outage",
            "%,d records in a burst, all %,.0f pending in 20-s batches when the broker went down for %d s (producer max.block.ms 4 s), %d attempt(s) until the fault happened: %d revive log line(s), %,.0f restored pending records re-queued, stream-app pid %d alive: %s; %,d send errors (first: %s), %,d predicted, %,d missing, %,d duplicated, %,d unexpected, %,.0f left in pending stores",
            report.sent().acknowledged(),
            pendingAtOutage,
            outage.toSeconds(),
            attempts,
            revives,
            restored,
            pid,
            app.isAlive(),
            report.sent().errors(),
            report.sent().firstError(),
            v.predictions(),
            v.missing(),
            v.duplicated(),
            v.unexpected(),
            stored);
        assertThat(revives).as("revived tasks in %s", app.log()).isPositive();
        assertThat(app.isAlive()).as("the same process rode it out, see %s", app.log()).isTrue();
        assertThat(app.pid()).isEqualTo(pid);
        assertThat(restored).as("restored pending records re-queued").isPositive();
        assertThat(report.sent().acknowledged()).isEqualTo(records);
        assertThat(v.missing()).as("lost, e.g. %s", v.missingKeys()).isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.unexpected()).as("unexpected").isZero();
        assertThat(v.predictions()).isEqualTo(records);
        assertThat(stored).as("records left in the pending stores").isZero();
      }
    }
  }

  /**
   * A broker outage longer than {@code task.timeout.ms} under load: the app may ride it out or give
   * up with exit 1, as long as nothing is lost once it runs again.
   */
  @Test
  void nothingIsLostWhenTheOutageOutlastsTheTaskTimeout() throws Exception {
    int records = 15_000;
    int rate = 500;
    Duration outage = Duration.ofSeconds(25);
    Path data = Files.createTempDirectory(Path.of("target"), "broker-outage-long-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, true, Map.of())) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "outage-long", 4);
      env.put(StreamAppConfig.BATCH_MAX_DELAY_MS, "400");
      env.put(KafkaClientEnv.variable("producer.max.block.ms"), "4000");
      env.put(KafkaClientEnv.variable("task.timeout.ms"), "10000");
      StreamAppProcess app = StreamAppProcess.start(env, "broker-outage-long-0").awaitReady();
      Path firstLog = app.log();
      try {
        var load = FaultFixture.load(env, records, rate);
        awaitFlowing(app);
        long unreachableBefore = FaultFixture.countLines(firstLog, FaultFixture.BROKER_UNREACHABLE);

        kafka.restart(outage);
        // whoever runs the app starts it again when it gives up
        int exits = 0;
        int exit = -1;
        while (!load.isDone()) {
          int code = app.awaitExit(Duration.ofMillis(500));
          if (code >= 0) {
            exit = code;
            assertThat(code).as("exit code after giving up, see %s", app.log()).isNotZero();
            exits++;
            app = StreamAppProcess.start(env, "broker-outage-long-" + exits).awaitReady();
          }
        }
        RunReport report = load.get();
        double stored = awaitStoresEmpty(app);
        long unreachable =
            FaultFixture.countLines(firstLog, FaultFixture.BROKER_UNREACHABLE) - unreachableBefore;

        Verification v = report.verification();
        FaultFixture.record(
            "broker-outage",
            "%,d records at %,d/s, broker down %d s with task.timeout.ms 10 s: %d revive log line(s) in the first process, %d exit(s) (last exit code %d); %,d send errors (first: %s), %,d predicted, %,d missing, %,d duplicated, %,d unexpected, %,.0f left in pending stores",
            report.sent().acknowledged(),
            rate,
            outage.toSeconds(),
            FaultFixture.countLines(firstLog, REVIVED),
            exits,
            exit,
            report.sent().errors(),
            report.sent().firstError(),
            v.predictions(),
            v.missing(),
            v.duplicated(),
            v.unexpected(),
            stored);
        assertThat(unreachable)
            .as("failed connections to the broker during the outage, see %s", firstLog)
            .isPositive();
        assertThat(v.missing()).as("lost, e.g. %s", v.missingKeys()).isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.unexpected()).as("unexpected").isZero();
        assertThat(v.predictions()).isEqualTo(report.sent().acknowledged());
        assertThat(stored).as("records left in the pending stores").isZero();
      } finally {
        app.close();
      }
    }
  }

  /** Waits until predictions flow and records wait in the pending stores: the outage hits them. */
  private static void awaitFlowing(StreamAppProcess app) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              String scrape = app.scrape();
              return PrometheusScrape.sum(scrape, "digitstream_predictions_out_total") >= 2_000
                  && PrometheusScrape.sum(scrape, "digitstream_pending_stored") > 0;
            });
  }

  /**
   * Waits until all {@code records} await their prediction, then until each of the app's {@code
   * threads} stream threads has committed since and its producers hold nothing unacknowledged (a
   * batch being sent still holds its buffer memory). The pending gauge alone is not enough: it
   * counts a record from its admission, and the record is written to the pending store only by the
   * next commit, up to a commit interval later. An outage that begins in that gap holds the write
   * in the producer, and the commit's flush then waits for the broker to return instead of timing
   * out, so no task is revived.
   */
  private static void awaitAllStoredAndSent(StreamAppProcess app, int records, int threads)
      throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> metric(app, "digitstream_pending_stored") == records);
    Map<String, Double> admitted =
        PrometheusScrape.series(app.scrape(), PrometheusScrape.STREAMS_COMMITS);
    assertThat(admitted)
        .as("%s by stream thread", PrometheusScrape.STREAMS_COMMITS)
        .hasSize(threads);
    await("each stream thread committed after the last record arrived")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String scrape = app.scrape();
              Map<String, Double> now =
                  PrometheusScrape.series(scrape, PrometheusScrape.STREAMS_COMMITS);
              return admitted.entrySet().stream()
                      .allMatch(t -> now.getOrDefault(t.getKey(), 0.0) > t.getValue())
                  && PrometheusScrape.sum(scrape, "kafka_producer_buffer_available_bytes")
                      == PrometheusScrape.sum(scrape, "kafka_producer_buffer_total_bytes");
            });
  }

  /**
   * The records left in the app's pending stores once they have drained (or after 30 s); -1 if the
   * app is gone.
   */
  private static double awaitStoresEmpty(StreamAppProcess app) throws Exception {
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> metric(app, "digitstream_pending_stored") <= 0);
    } catch (ConditionTimeoutException e) {
      // reported and asserted by the caller
    }
    return metric(app, "digitstream_pending_stored");
  }

  /** A metric of the running app; -1 if the app is gone (the caller reports that and fails). */
  private static double metric(StreamAppProcess app, String name) throws Exception {
    return app.isAlive() ? PrometheusScrape.sum(app.scrape(), name) : -1;
  }
}
