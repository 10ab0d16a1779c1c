package dev.digitstream.producer.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.ReviewRequest;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer against a real broker: what it writes, and what its verifier counts. */
@Tag("quick") // in the quick tier: -Pquick
class ProducerIT {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static String mnistDir() {
    return TestData.mnistDir().toString();
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "reader-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
  }

  @Test
  void publishesLabelledImagesByteIdenticalWithTheAskedMalformedFraction(@TempDir Path dir)
      throws Exception {
    kafka.createTopic("publish", 3);
    Path report = dir.resolve("report.json");

    int code =
        ProducerCli.run(
            new String[] {
              "-b",
              kafka.bootstrapServers(),
              "-t",
              "publish",
              "--data-dir",
              mnistDir(),
              "--count",
              "1000",
              "--rate",
              "0",
              "--malformed-fraction",
              "0.06",
              "--run-id",
              "pub",
              "--report",
              report.toString()
            },
            Map.of(),
            () -> false);

    assertThat(code).isZero();
    LabelledImages test = TestData.mnist().test();
    List<ConsumerRecord<byte[], byte[]>> records = readAll("publish", 1000);
    assertThat(records).hasSize(1000);
    Map<String, Integer> malformed = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      assertThat(key).startsWith("pub-");
      int n = Integer.parseInt(key.substring(4));
      assertThat(Long.parseLong(header(record, HeaderNames.SEND_TIME)) / 1000)
          .isEqualTo(record.timestamp());
      var reason =
          ImageRecord.check(
              record.value(),
              record.headers().lastHeader(HeaderNames.LABEL) == null
                  ? null
                  : record.headers().lastHeader(HeaderNames.LABEL).value());
      if (reason.isPresent()) {
        malformed.merge(reason.get().code(), 1, Integer::sum);
      } else {
        assertThat(record.value()).isEqualTo(test.image(n));
        assertThat(header(record, HeaderNames.LABEL)).isEqualTo(String.valueOf(test.label(n)));
      }
    }
    assertThat(malformed)
        .containsEntry("wrong-length", 20)
        .containsEntry("empty-value", 20)
        .containsEntry("bad-label", 20);
    RunReport written = RunReport.fromJson(Files.readString(report));
    assertThat(written.sent().records()).isEqualTo(1000);
    assertThat(written.sent().acknowledged()).isEqualTo(1000);
    assertThat(written.sent().malformed()).isEqualTo(60);
    assertThat(written.verification()).isNull();
  }

  @Test
  void spreadPartitioningUsesEveryPartitionEvenly() throws Exception {
    kafka.createTopic("spread", 4);
    int code =
        ProducerCli.run(
            new String[] {
              "-b",
              kafka.bootstrapServers(),
              "-t",
              "spread",
              "--data-dir",
              mnistDir(),
              "--count",
              "400",
              "--rate",
              "0",
              "--partitioning",
              "spread"
            },
            Map.of(),
            () -> false);
    assertThat(code).isZero();
    Map<Integer, Integer> perPartition = new HashMap<>();
    readAll("spread", 400).forEach(r -> perPartition.merge(r.partition(), 1, Integer::sum));
    assertThat(perPartition)
        .containsOnly(Map.entry(0, 100), Map.entry(1, 100), Map.entry(2, 100), Map.entry(3, 100));
  }

  @Test
  void warmUpRecordsComeFirstUnderTheirOwnKeysAndAreNotCounted(@TempDir Path dir) throws Exception {
    kafka.createTopic("warm", 1);
    Path report = dir.resolve("report.json");
    int code =
        ProducerCli.run(
            new String[] {
              "-b",
              kafka.bootstrapServers(),
              "-t",
              "warm",
              "--data-dir",
              mnistDir(),
              "--count",
              "50",
              "--rate",
              "200",
              "--warm-up",
              "1s",
              "--run-id",
              "w",
              "--report",
              report.toString()
            },
            Map.of(),
            () -> false);

    assertThat(code).isZero();
    List<String> keys =
        readAll("warm", 250).stream()
            .map(r -> new String(r.key(), StandardCharsets.UTF_8))
            .toList();
    long warmUp = keys.stream().filter(k -> k.startsWith("w-warmup-")).count();
    assertThat(warmUp).isBetween(150L, 210L); // 1 s at 200/s
    assertThat(keys.subList((int) warmUp, keys.size()))
        .hasSize(50)
        .allMatch(k -> k.matches("w-\\d+"));
    assertThat(RunReport.fromJson(Files.readString(report)).sent().records()).isEqualTo(50);
  }

  /**
   * A stand-in classifier that injects known faults: it answers every valid record with its true
   * label, except that it drops record 5, answers record 6 twice, answers record 7 wrongly, sends
   * record 8 to review, and dead-letters malformed records with their reason (one with the wrong
   * reason).
   */
  @Test
  void verifyAccountsForMissingDuplicatedWrongAndDeadLetteredRecords(@TempDir Path dir)
      throws Exception {
    kafka.createTopic("v-in", 2);
    kafka.createTopic("v-out", 2);
    kafka.createTopic("v-dlq", 1);
    kafka.createTopic("v-review", 1);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread faulty = new Thread(() -> faultyClassifier(running), "faulty-classifier");
    faulty.start();
    Path report = dir.resolve("report.json");
    int code;
    try {
      code =
          ProducerCli.run(
              new String[] {
                "-b",
                kafka.bootstrapServers(),
                "-t",
                "v-in",
                "--data-dir",
                mnistDir(),
                "--count",
                "300",
                "--rate",
                "2000",
                "--malformed-fraction",
                "0.01",
                "--verify",
                "--output-topic",
                "v-out",
                "--dlq-topic",
                "v-dlq",
                "--review-topic",
                "v-review",
                "--verify-timeout",
                "5s",
                "--run-id",
                "ver",
                "--report",
                report.toString()
              },
              Map.of(),
              () -> false);
    } finally {
      running.set(false);
      faulty.join();
    }

    assertThat(code).isEqualTo(ProducerCli.EXIT_INCOMPLETE);
    Verification v = RunReport.fromJson(Files.readString(report)).verification();
    assertThat(v.predictions()).isEqualTo(295); // 297 valid, one dropped, one reviewed
    assertThat(v.reviewed()).isEqualTo(1);
    assertThat(v.reviewedByReason()).containsExactly(Map.entry("low-confidence", 1L));
    assertThat(v.missing()).isEqualTo(1);
    assertThat(v.missingKeys()).containsExactly("ver-5");
    assertThat(v.duplicated()).isEqualTo(1);
    assertThat(v.labelled()).isEqualTo(295);
    assertThat(v.correct()).isEqualTo(294);
    assertThat(v.coverage()).isEqualTo(295 / 296.0);
    assertThat(v.deadLettered()).isEqualTo(3);
    assertThat(v.wrongReason()).isEqualTo(1);
    assertThat(v.unexpected()).isZero();
    assertThat(v.latency().count()).isEqualTo(296);
    assertThat(v.bySource()).as("not a mix").isEmpty();
    assertThat(v.latency().p50Ms()).isPositive();
  }

  /**
   * A mix of MNIST digits and noise against a stand-in that books every labelled record with its
   * label and sends every unlabelled one to review, except record numbers divisible by 50: the
   * verifier must find every record and tell, per source, what went where.
   */
  @Test
  void verifyAccountsForAMixBySource(@TempDir Path dir) throws Exception {
    kafka.createTopic("m-in", 2);
    kafka.createTopic("m-out", 1);
    kafka.createTopic("m-dlq", 1);
    kafka.createTopic("m-review", 1);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread standIn = new Thread(() -> reviewingClassifier(running), "reviewing-classifier");
    standIn.start();
    Path report = dir.resolve("report.json");
    int code;
    try {
      code =
          ProducerCli.run(
              new String[] {
                "-b",
                kafka.bootstrapServers(),
                "-t",
                "m-in",
                "--data-dir",
                mnistDir(),
                "--mix",
                "test:0.8,noise:0.2",
                "--count",
                "1000",
                "--rate",
                "0",
                "--verify",
                "--output-topic",
                "m-out",
                "--dlq-topic",
                "m-dlq",
                "--review-topic",
                "m-review",
                "--verify-timeout",
                "5s",
                "--run-id",
                "mix",
                "--report",
                report.toString()
              },
              Map.of(),
              () -> false);
    } finally {
      running.set(false);
      standIn.join();
    }

    assertThat(code).isZero();
    RunReport written = RunReport.fromJson(Files.readString(report));
    assertThat(written.source()).startsWith("mix test 80 % + noise 20 %");
    Verification v = written.verification();
    assertThat(v.complete()).isTrue();
    assertThat(v.predictions() + v.reviewed()).isEqualTo(1000);
    assertThat(v.accuracy()).isEqualTo(1.0);
    assertThat(v.bySource()).containsOnlyKeys("test", "noise");
    var test = v.bySource().get("test");
    var noise = v.bySource().get("noise");
    assertThat(test.sent() + noise.sent()).isEqualTo(1000);
    assertThat(noise.sent()).isBetween(150L, 250L);
    assertThat(test.reviewed()).isZero();
    assertThat(test.predicted()).isEqualTo(test.sent()).isEqualTo(v.labelled());
    assertThat(noise.predicted()).as("noise booked: record numbers divisible by 50").isPositive();
    assertThat(noise.predicted() + noise.reviewed()).isEqualTo(noise.sent());
    assertThat(v.reviewedByReason()).containsOnlyKeys("out-of-distribution");
  }

  private static void reviewingClassifier(AtomicBoolean running) {
    try (var consumer = consumer();
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      consumer.subscribe(List.of("m-in"));
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> in : consumer.poll(Duration.ofMillis(50))) {
          int n = Integer.parseInt(new String(in.key(), StandardCharsets.UTF_8).substring(4));
          String label = header(in, HeaderNames.LABEL);
          if (label == null && n % 50 != 0) {
            producer.send(review(in, "m-review", "out-of-distribution"));
            continue;
          }
          float[] p = new float[10];
          p[label == null ? 0 : Integer.parseInt(label)] = 1;
          producer.send(
              new ProducerRecord<>(
                  "m-out",
                  null,
                  in.timestamp(),
                  in.key(),
                  PredictionCodec.encode(Prediction.fromProbabilities(p, "test")),
                  in.headers()));
        }
      }
    }
  }

  /** A review request for {@code in}, keyed and with headers as the stream-app writes it. */
  private static ProducerRecord<byte[], byte[]> review(
      ConsumerRecord<byte[], byte[]> in, String topic, String reason) {
    var request =
        new ReviewRequest(
            reason,
            3,
            0.5,
            0.99,
            reason.equals("out-of-distribution") ? 9.0 : 1.0,
            4.5,
            List.of(
                new ReviewRequest.Candidate(3, 0.5),
                new ReviewRequest.Candidate(5, 0.3),
                new ReviewRequest.Candidate(8, 0.1)),
            "test",
            in.value());
    return new ProducerRecord<>(
        topic, null, in.timestamp(), in.key(), PredictionCodec.encode(request), in.headers());
  }

  private static void faultyClassifier(AtomicBoolean running) {
    LabelledImages test;
    try {
      test = TestData.mnist().test();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    try (var consumer = consumer();
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      consumer.subscribe(List.of("v-in"));
      int deadLetters = 0;
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> in : consumer.poll(Duration.ofMillis(50))) {
          String key = new String(in.key(), StandardCharsets.UTF_8);
          int n = Integer.parseInt(key.substring(4));
          var labelHeader = in.headers().lastHeader(HeaderNames.LABEL);
          var reason =
              ImageRecord.check(in.value(), labelHeader == null ? null : labelHeader.value());
          if (reason.isPresent()) {
            var out = new ProducerRecord<>("v-dlq", in.key(), in.value());
            String code = deadLetters++ == 0 ? "made-up" : reason.get().code();
            out.headers().add(HeaderNames.DLQ_REASON, code.getBytes(StandardCharsets.US_ASCII));
            producer.send(out);
            continue;
          }
          if (n == 5) {
            continue;
          }
          if (n == 8) {
            producer.send(review(in, "v-review", "low-confidence"));
            continue;
          }
          int label = n == 7 ? (test.label(n) + 1) % 10 : test.label(n);
          float[] p = new float[10];
          p[label] = 1;
          var out =
              new ProducerRecord<>(
                  "v-out",
                  null,
                  in.timestamp(),
                  in.key(),
                  PredictionCodec.encode(Prediction.fromProbabilities(p, "test")),
                  in.headers());
          producer.send(out);
          if (n == 6) {
            producer.send(out);
          }
        }
      }
    }
  }
}
