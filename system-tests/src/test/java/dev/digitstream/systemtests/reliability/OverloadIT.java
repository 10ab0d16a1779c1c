package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Offer about twice the rate the stream-app sustains here: lag must grow while the load lasts and
 * drain after it, memory must stay bounded (under 1.5 GB with a 1 GB heap), and no record may be
 * lost. {@code -Doverload.seconds=600} runs the 10-minute version (CI runs 45 s).
 */
@Timeout(1800)
class OverloadIT {

  /** About twice the exactly-once rate measured on this 2-core machine (BENCHMARKS.md). */
  private static final int RATE = Integer.getInteger("overload.rate", 9_000);

  private static final int SECONDS = Integer.getInteger("overload.seconds", 45);

  @Test
  void lagGrowsAndDrainsMemoryStaysBoundedNothingIsLost() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Admin admin = Admin.create(kafka.clientProperties())) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "overload", 12);
      try (StreamAppProcess app = StreamAppProcess.start(env, "overload").awaitReady()) {
        var load =
            FaultFixture.load(
                env,
                new AtomicBoolean(),
                "--rate",
                Integer.toString(RATE),
                "--duration",
                SECONDS + "s",
                "--partitioning",
                "spread");
        List<long[]> samples = new ArrayList<>(); // seconds, lag, rss
        long start = System.nanoTime();
        while (!load.isDone()) {
          samples.add(
              new long[] {
                (System.nanoTime() - start) / 1_000_000_000L, lag(admin, env), app.rssBytes()
              });
          Thread.sleep(1_000);
        }
        RunReport report = load.get(1, TimeUnit.MINUTES);
        Verification v = report.verification();
        long peakLag = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
        long lagAtEndOfLoad =
            samples.stream()
                .filter(s -> s[0] <= SECONDS)
                .mapToLong(s -> s[1])
                .reduce((a, b) -> b)
                .orElse(0);
        long finalLag = lag(admin, env);
        long rssLoadHalf = maxRss(samples, 0, SECONDS / 2);
        long rssSecondHalf = maxRss(samples, SECONDS / 2, Long.MAX_VALUE);
        double drained = samples.get(samples.size() - 1)[0];
        FaultFixture.record(
            "overload",
            "%,d/s offered for %d s (%,d records, achieved %,.0f/s): peak lag %,d, lag at the end of the load %,d, drained %.0f s after the start (%,.0f predictions/s), final lag %,d; %,d missing, %,d duplicated; peak RSS %,d MB in the first half, %,d MB after",
            RATE,
            SECONDS,
            report.sent().acknowledged(),
            report.sent().recordsPerSecond(),
            peakLag,
            lagAtEndOfLoad,
            drained,
            v.predictionsPerSecond(),
            finalLag,
            v.missing(),
            v.duplicated(),
            rssLoadHalf >> 20,
            rssSecondHalf >> 20);
        assertThat(report.sent().errors()).as("producer send errors").isZero();
        assertThat(v.missing()).as("lost").isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.predictions()).isEqualTo(report.sent().acknowledged());
        assertThat(peakLag).as("lag grew under overload").isGreaterThan(RATE * 5L);
        assertThat(finalLag).as("lag drained").isZero();
        // Bounded, not flat: within a short run the JVM grows its heap towards -Xmx (1 GB here)
        // whatever the backlog, so halves are not comparable; the 180 s run in RELIABILITY.md
        // shows the plateau. 1.5 GB is -Xmx plus ND4J's off-heap arrays with room to spare.
        assertThat(Math.max(rssLoadHalf, rssSecondHalf)).as("peak RSS").isLessThan(1_500L << 20);
      }
    }
  }

  private static long maxRss(List<long[]> samples, long from, long to) {
    return samples.stream()
        .filter(s -> s[0] >= from && s[0] < to)
        .mapToLong(s -> s[2])
        .max()
        .orElse(0);
  }

  /** Records in the input topic not yet committed by the stream-app's consumer group. */
  private static long lag(Admin admin, Map<String, String> env) throws Exception {
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(env.get(StreamAppConfig.APPLICATION_ID))
            .partitionsToOffsetAndMetadata()
            .get();
    var partitions =
        admin
            .describeTopics(List.of(env.get(StreamAppConfig.INPUT_TOPIC)))
            .allTopicNames()
            .get()
            .get(env.get(StreamAppConfig.INPUT_TOPIC))
            .partitions();
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    partitions.forEach(
        p ->
            latest.put(
                new TopicPartition(env.get(StreamAppConfig.INPUT_TOPIC), p.partition()),
                OffsetSpec.latest()));
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      var c = committed.get(end.getKey());
      lag += end.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }
}
