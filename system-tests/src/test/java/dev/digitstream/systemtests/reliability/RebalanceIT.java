package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Add a second stream-app instance (same application id) under load, then stop the first: the
 * partitions move twice, and nothing may be lost or duplicated; batches keep filling on the
 * instance that stays.
 */
@Timeout(600)
class RebalanceIT {

  private static final int RECORDS = 60_000;
  private static final int RATE = 1_500;

  /** What the app logs (StreamApp's state listener) when a rebalance starts. */
  private static final String REBALANCING = "Kafka Streams RUNNING -> REBALANCING";

  @Test
  void partitionsMoveBetweenInstancesWithoutLossOrDuplicates() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "rebalance", 12);
      env.put(StreamAppConfig.STREAM_THREADS, "1");
      StreamAppProcess first = StreamAppProcess.start(env, "rebalance-first").awaitReady();
      var load = FaultFixture.load(env, RECORDS, RATE);
      Thread.sleep(6_000);
      long firstBeforeJoin = FaultFixture.countLines(first.log(), REBALANCING);
      StreamAppProcess second = StreamAppProcess.start(env, "rebalance-second").awaitReady();
      // the first instance may notice the join only after the second is running
      await("the first instance rebalancing after the join")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> FaultFixture.countLines(first.log(), REBALANCING) > firstBeforeJoin);
      Thread.sleep(8_000);
      long firstAfterJoin = FaultFixture.countLines(first.log(), REBALANCING);
      long secondBeforeLeave = FaultFixture.countLines(second.log(), REBALANCING);
      double secondReadBeforeLeave =
          PrometheusScrape.sum(second.scrape(), "digitstream_records_in_total");
      boolean outstandingAtLeave = !load.isDone();
      int firstExit = first.stop();
      // the second instance notices the leave at its next heartbeat; stopping it before then (as
      // once happened when the load had already ended) would move no partition
      await("the second instance rebalancing after the first left")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> FaultFixture.countLines(second.log(), REBALANCING) > secondBeforeLeave);
      RunReport report = load.get(10, TimeUnit.MINUTES);
      String scrape = second.scrape();
      int secondExit = second.stop();

      Verification v = report.verification();
      double meanBatch =
          PrometheusScrape.sum(scrape, "digitstream_batch_size_sum")
              / PrometheusScrape.sum(scrape, "digitstream_batch_size_count");
      FaultFixture.record(
          "rebalance",
          "%,d records at %,d/s over 12 partitions; a second instance joined at 6 s, the first left 8 s after it was running (exit %d): %,d predicted, %,d missing, %,d duplicated; mean batch on the instance that stayed %.1f images; latency p99 %.0f ms",
          report.sent().acknowledged(),
          RATE,
          firstExit,
          v.predictions(),
          v.missing(),
          v.duplicated(),
          meanBatch,
          v.latency().p99Ms());
      assertThat(firstAfterJoin - firstBeforeJoin)
          .as("rebalances of the first instance when the second joined, see %s", first.log())
          .isPositive();
      assertThat(secondReadBeforeLeave)
          .as("records the second instance read before the first left (partitions it was given)")
          .isPositive();
      assertThat(outstandingAtLeave)
          .as("records not yet verified when the first instance left (the load still running)")
          .isTrue();
      assertThat(firstExit).isZero();
      assertThat(secondExit).isZero();
      assertThat(v.missing()).as("lost").isZero();
      assertThat(v.duplicated()).as("duplicated").isZero();
      assertThat(v.predictions()).isEqualTo(RECORDS);
      assertThat(meanBatch).as("mean batch size on the remaining instance").isGreaterThan(2);
    }
  }
}
