package dev.digitstream.benchmarks;

import static dev.digitstream.benchmarks.BenchKafka.awaitPredictions;
import static dev.digitstream.benchmarks.BenchKafka.consumer;
import static dev.digitstream.benchmarks.BenchKafka.produce;

import dev.digitstream.benchmarks.BenchKafka.Topics;
import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The end-to-end cost of review routing, in one run: a stream-app (its own JVM, 1 partition,
 * exactly-once) drains a backlog with review off ({@code REVIEW_TOPIC} empty: nothing assessed)
 * and, alternately, another with review on; each on fresh topics, after the same warm-up, counting
 * predictions and review requests alike. {@code benchmark.rounds} pairs (default 3), the order
 * alternating; the figure is the ratio of the medians. System properties as {@link
 * PipelineBenchmark}'s.
 */
public final class RoutingCostBenchmark {

  private static final int BACKLOG = Integer.getInteger("benchmark.backlog", 60_000);
  private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);

  private RoutingCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    Path model = Bench.model();
    LabelledImages train = TestData.mnist().train();
    double[] off = new double[ROUNDS];
    double[] on = new double[ROUNDS];
    double reviewedShare = 0;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (int round = 0; round < ROUNDS; round++) {
        for (boolean review :
            round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
          Topics topics = Topics.create(kafka, 1);
          String reviewTopic = topics.output() + "-review";
          kafka.createTopic(reviewTopic, 1);
          Map<String, String> settings = Map.of("REVIEW_TOPIC", review ? reviewTopic : "");
          try (StreamAppProcess app =
                  PipelineBenchmark.startApp(
                      kafka, model, topics, "routing-" + (review ? "on" : "off"), settings);
              KafkaConsumer<byte[], byte[]> consumer =
                  consumer(kafka, topics.output(), reviewTopic)) {
            PipelineBenchmark.warmUp(kafka, topics, train, consumer);
            produce(kafka, topics.input(), train, BACKLOG);
            long[] firstAndLast = new long[2];
            int seen = awaitPredictions(consumer, BACKLOG, firstAndLast);
            Bench.check(seen >= BACKLOG, "%,d of %,d outputs in 5 minutes", seen, BACKLOG);
            double rate = (seen - 1) / ((firstAndLast[1] - firstAndLast[0]) / 1e9);
            (review ? on : off)[round] = rate;
            if (review) {
              String scrape = app.scrape();
              reviewedShare =
                  PrometheusScrape.sum(scrape, "digitstream_reviews_out_total")
                      / (PrometheusScrape.sum(scrape, "digitstream_reviews_out_total")
                          + PrometheusScrape.sum(scrape, "digitstream_predictions_out_total"));
            }
            System.out.printf(
                "round %d, review %s: %,.0f images/s%n", round + 1, review ? "on" : "off", rate);
          }
        }
      }
    }
    double medianOff = median(off);
    double medianOn = median(on);
    System.out.printf(
        "review routing, 1 partition, %s, draining %,d images (%.2f %% of them to review): %,.0f"
            + " images/s with it on, %,.0f off (medians of %d): %.1f %% of the throughput without;"
            + " on %s, off %s%n",
        PipelineBenchmark.GUARANTEE,
        BACKLOG,
        100 * reviewedShare,
        medianOn,
        medianOff,
        ROUNDS,
        100 * medianOn / medianOff,
        Arrays.toString(Arrays.stream(on).mapToLong(Math::round).toArray()),
        Arrays.toString(Arrays.stream(off).mapToLong(Math::round).toArray()));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
