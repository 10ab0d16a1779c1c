package dev.digitstream.benchmarks;

import static dev.digitstream.benchmarks.BenchKafka.awaitPredictions;
import static dev.digitstream.benchmarks.BenchKafka.consumer;
import static dev.digitstream.benchmarks.BenchKafka.produce;

import dev.digitstream.benchmarks.BenchKafka.Topics;
import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.registry.ModelStatus;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.testsupport.StreamAppProcess;
import dev.digitstream.testsupport.TrainedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The cost of scoring a model in shadow, in one run of one stream-app (its own JVM, 1 partition,
 * exactly-once, {@code GATE=manual} so that the candidate stays in shadow): the drain of a backlog
 * without a shadow, with one (a second model published to the model topic), and without again (the
 * candidate rejected), each after the same warm-up. The cost is the throughput with the shadow over
 * the mean of the two without. System properties as {@link PipelineBenchmark}'s ({@code
 * benchmark.backlog}, {@code benchmark.warmUp}, {@code benchmark.env.NAME}).
 */
public final class ShadowCostBenchmark {

  private static final int BACKLOG = Integer.getInteger("benchmark.backlog", 60_000);

  private ShadowCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    Path model = Bench.model();
    Path candidate = TrainedModel.another(); // another version of the same network
    String version = ModelFiles.readMetadata(candidate).versionId();
    LabelledImages train = TestData.mnist().train();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Topics topics = Topics.create(kafka, 1);
      String modelTopic = "bench-models-" + UUID.randomUUID().toString().substring(0, 6);
      Map<String, String> settings =
          Map.of(
              "MODEL_TOPIC",
              modelTopic,
              "MODEL_EVENTS_TOPIC",
              modelTopic + "-events",
              "CREATE_TOPICS",
              "true",
              "GATE",
              "manual");
      try (StreamAppProcess app =
              PipelineBenchmark.startApp(kafka, model, topics, "shadow-cost", settings);
          KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topics.output());
          RegistryClient registry =
              new RegistryClient(
                  Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                  modelTopic)) {
        PipelineBenchmark.warmUp(kafka, topics, train, consumer);
        drain(kafka, topics, train, consumer);
        double before = drain(kafka, topics, train, consumer);

        registry.publish(candidate);
        await(app, scrape -> scrape.contains("digitstream_model_shadow_records{"), "in shadow");
        drain(kafka, topics, train, consumer); // the shadow's copies warm up on real batches
        String scrapeBefore = app.scrape();
        double shadowed = drain(kafka, topics, train, consumer);
        String steps = AppScrape.stepTimes(scrapeBefore, app.scrape());

        registry.judge(version, ModelStatus.REJECTED, "shadow cost benchmark");
        await(
            app, scrape -> !scrape.contains("digitstream_model_shadow_records{"), "out of shadow");
        double after = drain(kafka, topics, train, consumer);

        System.out.printf(
            "shadow scoring, SHADOW_SHARE %s, 1 partition, %s, draining %,d images: %,.0f images/s"
                + " with a model in shadow, %,.0f and %,.0f without (before and after): %.0f %% of"
                + " the throughput without%n",
            System.getProperty("benchmark.env.SHADOW_SHARE", "1"),
            PipelineBenchmark.GUARANTEE,
            BACKLOG,
            shadowed,
            before,
            after,
            100 * shadowed / ((before + after) / 2));
        System.out.println("  with the shadow: " + steps);
      }
    }
  }

  /** Produces a backlog and times it from the first to the last prediction read. */
  private static double drain(
      EmbeddedKafka kafka,
      Topics topics,
      LabelledImages images,
      KafkaConsumer<byte[], byte[]> consumer) {
    produce(kafka, topics.input(), images, BACKLOG);
    long[] firstAndLast = new long[2];
    int seen = awaitPredictions(consumer, BACKLOG, firstAndLast);
    Bench.check(seen >= BACKLOG, "%,d of %,d predictions in 5 minutes", seen, BACKLOG);
    return (seen - 1) / ((firstAndLast[1] - firstAndLast[0]) / 1e9);
  }

  private static void await(StreamAppProcess app, Predicate<String> condition, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.test(app.scrape())) {
      Bench.check(System.nanoTime() < deadline, "the candidate not %s within 60 s", what);
      Thread.sleep(200);
    }
  }
}
