package dev.digitstream.systemtests.streamapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppEnv;
import dev.digitstream.testsupport.TrainedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream-app in-process against a real KRaft broker. */
@Tag("quick") // in the quick tier: -Pquick
@Timeout(300)
class StreamAppIT {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    TrainedModel.get();
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldPredictTenThousandImagesExactlyOnceMatchingOfflineEvaluation() throws Exception {
    String input = Fixtures.unique("images");
    String output = Fixtures.unique("predictions");
    String dlq = Fixtures.unique("dlq");
    kafka.createTopic(input, 3);
    kafka.createTopic(output, 1);
    kafka.createTopic(dlq, 1);
    LabelledImages images = Fixtures.testImages(10_000);
    List<Prediction> offline = offline(images);

    Map<String, String> env =
        StreamAppEnv.of(kafka.bootstrapServers(), Fixtures.unique("app"))
            .topics(input, output, dlq)
            .toMap();
    try (StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(env));
        var producer = Fixtures.producer(kafka.bootstrapServers())) {
      for (int i = 0; i < images.count(); i++) {
        producer.send(Fixtures.imageRecord(input, images, i));
      }
      producer.send(
          new ProducerRecord<>(input, "short".getBytes(StandardCharsets.UTF_8), new byte[100]));
      producer.send(new ProducerRecord<>(input, "null".getBytes(StandardCharsets.UTF_8), null));
      var badLabel =
          new ProducerRecord<byte[], byte[]>(
              input, "label".getBytes(StandardCharsets.UTF_8), new byte[784]);
      badLabel.headers().add(HeaderNames.LABEL, "seven".getBytes(StandardCharsets.US_ASCII));
      producer.send(badLabel);
      producer.flush();

      Map<String, List<Prediction>> predictions =
          Fixtures.collectPredictions(
              kafka.bootstrapServers(), output, images.count(), Duration.ofSeconds(120));

      assertThat(predictions).hasSize(images.count());
      int correct = 0;
      for (int i = 0; i < images.count(); i++) {
        List<Prediction> forKey = predictions.get("img-" + i);
        assertThat(forKey).as("predictions of img-%d", i).hasSize(1);
        assertThat(forKey.get(0).label()).as("img-%d", i).isEqualTo(offline.get(i).label());
        correct += forKey.get(0).label() == images.label(i) ? 1 : 0;
      }

      List<String> reasons = new ArrayList<>();
      try (var consumer = Fixtures.readCommittedConsumer(kafka.bootstrapServers())) {
        consumer.subscribe(List.of(dlq));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    reasons.add(
                        new String(
                            r.headers().lastHeader(HeaderNames.DLQ_REASON).value(),
                            StandardCharsets.UTF_8));
                  }
                  return reasons.size() >= 3;
                });
      }
      assertThat(reasons).containsExactlyInAnyOrder("wrong-length", "null-value", "bad-label");

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> scrape(app).contains("digitstream_labelled_correct_total"));
      String metrics = scrape(app);
      assertThat(PrometheusScrape.value(metrics, "digitstream_records_in_total"))
          .isEqualTo(images.count() + 3);
      assertThat(PrometheusScrape.value(metrics, "digitstream_predictions_out_total"))
          .isEqualTo(images.count());
      assertThat(PrometheusScrape.value(metrics, "digitstream_labelled_correct_total"))
          .isEqualTo(correct);
      assertThat(
              PrometheusScrape.value(
                  metrics, "digitstream_dead_letters_total{reason=\"wrong-length\"}"))
          .isEqualTo(1);
      assertThat(PrometheusScrape.value(metrics, "digitstream_batch_size_count{reason=\"size\"}"))
          .isPositive();
      assertThat(metrics)
          .contains("digitstream_model_info{")
          .contains("kafka_stream_")
          .contains("jvm_memory_used_bytes");
      assertThat(http(app, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(http(app, "/health/live").statusCode()).isEqualTo(200);
      assertThat(http(app, "/nope").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void shouldKeepBatchesFullWhenTheInputHasTwelvePartitionsAndCommitNothingOnceIdle()
      throws Exception {
    String input = Fixtures.unique("images12");
    kafka.createTopic(input, 12);
    kafka.createTopic(input + "-out", 1);
    kafka.createTopic(input + "-dlq", 1);
    LabelledImages images = Fixtures.testImages(6_000);
    Map<String, String> env =
        StreamAppEnv.of(kafka.bootstrapServers(), Fixtures.unique("app12"))
            .topics(input, input + "-out", input + "-dlq")
            .toMap();
    env.put(StreamAppConfig.BATCH_MAX_SIZE, "32");
    env.put(StreamAppConfig.BATCH_MAX_DELAY_MS, "20");

    try (StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(env));
        var producer = Fixtures.producer(kafka.bootstrapServers())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> app.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
      // a moderate rate, about 2,000 images/s spread over 12 partitions
      long start = System.nanoTime();
      for (int i = 0; i < images.count(); i++) {
        producer.send(Fixtures.imageRecord(input, images, i));
        long due = start + i * 500_000L;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
      }
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  PrometheusScrape.value(scrape(app), "digitstream_predictions_out_total")
                      >= images.count());

      var sizes = app.registry().find(BatchMetrics.BATCH_SIZE).summaries();
      double batches = sizes.stream().mapToDouble(s -> s.count()).sum();
      double imagesBatched = sizes.stream().mapToDouble(s -> s.totalAmount()).sum();
      double mean = imagesBatched / batches;
      System.out.printf(
          "12 partitions, ~2000 img/s: %.0f batches, mean batch size %.1f%n", batches, mean);
      // one batch per partition would average under 2 images at this rate (2000/s / 12 / 50 per s)
      assertThat(mean).as("mean batch size").isGreaterThan(8);

      // idle, the app commits nothing: Kafka Streams commits a task after each of its punctuations,
      // and an exactly-once commit is a transaction
      double[] last = {-1};
      await("the last emissions' commits") // settled: no commit for 500 ms
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                double now = PrometheusScrape.sum(scrape(app), PrometheusScrape.STREAMS_COMMITS);
                boolean settled = now == last[0];
                last[0] = now;
                return settled;
              });
      double before = last[0];
      Thread.sleep(2_000);
      double idleCommits =
          PrometheusScrape.sum(scrape(app), PrometheusScrape.STREAMS_COMMITS) - before;
      System.out.printf("idle for 2 s after %,.0f commits: %.0f more%n", before, idleCommits);
      assertThat(before).as("commits while busy").isPositive();
      assertThat(idleCommits).as("commits in 2 s without input").isZero();
    }
  }

  private static List<Prediction> offline(LabelledImages images) {
    BatchClassifier classifier = new BatchClassifier(TrainedModel.load(), 500);
    List<Prediction> all = new ArrayList<>();
    for (int from = 0; from < images.count(); from += 500) {
      List<byte[]> batch = new ArrayList<>();
      for (int i = from; i < Math.min(images.count(), from + 500); i++) {
        batch.add(images.image(i));
      }
      all.addAll(classifier.classify(batch).predictions());
    }
    return all;
  }

  static HttpResponse<String> http(StreamApp app, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static String scrape(StreamApp app) throws Exception {
    return http(app, "/metrics").body();
  }
}
