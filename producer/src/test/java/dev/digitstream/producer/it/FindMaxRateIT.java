package dev.digitstream.producer.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.search.RateSearch;
import dev.digitstream.producer.search.Trial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --find-max-rate} against a real broker and a stand-in pipeline of known capacity: a thread
 * that answers each image with a prediction, at most so many per second.
 */
@Timeout(180)
class FindMaxRateIT {

  /** The stand-in's capacity, images/s: far below what the producer and broker manage here. */
  private static final int CAPACITY = 400;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  record Result(int code, List<String> out, List<String> err) {}

  /** Runs the producer with {@code args} after the broker and topic options. */
  private static Result producer(String topics, BooleanSupplier stop, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "-b",
                kafka.bootstrapServers(),
                "-t",
                topics + "-in",
                "--output-topic",
                topics + "-out",
                "--dlq-topic",
                topics + "-dlq",
                "--review-topic",
                "",
                "--data-dir",
                TestData.mnistDir().toString(),
                "--find-max-rate"));
    all.addAll(List.of(args));
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = ProducerCli.run(all.toArray(String[]::new), Map.of(), stop);
      return new Result(
          code,
          out.toString(StandardCharsets.UTF_8).lines().toList(),
          err.toString(StandardCharsets.UTF_8).lines().toList());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldOut.print(out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void createTopics(String topics) {
    kafka.createTopic(topics + "-in", 2);
    kafka.createTopic(topics + "-out", 2);
    kafka.createTopic(topics + "-dlq", 1);
  }

  @Test
  void shouldFindARateNearThePipelinesCapacityThatPassed(@TempDir Path dir) throws Exception {
    // given a pipeline that answers at most 400 images/s
    createTopics("cap");
    Path report = dir.resolve("search.json");
    AtomicBoolean running = new AtomicBoolean(true);
    Thread pipeline =
        new Thread(() -> boundedPipeline("cap", CAPACITY, running, key -> {}), "pipeline");
    pipeline.start();
    Result result;
    try {
      // when searching from far below to far above its capacity, coarsely
      result =
          producer(
              "cap",
              () -> false,
              "--min-rate",
              "50",
              "--max-rate",
              "3200",
              "--step-duration",
              "2s",
              "--p99-objective",
              "500ms",
              "--search-precision",
              "0.25",
              "--warm-up",
              "2s",
              "--verify-timeout",
              "5s",
              "--run-id",
              "cap",
              "--report",
              report.toString());
    } finally {
      running.set(false);
      pipeline.join();
    }

    // then the rate found passed, lies within a factor of the capacity, and a rate above it failed
    assertThat(result.code()).as(String.join("\n", result.err())).isZero();
    RunReport written = RunReport.fromJson(Files.readString(report));
    RateSearch.Result search = written.search().result();
    Trial maximum = search.maximum();
    assertThat(search.end()).isEqualTo(RateSearch.End.CONVERGED);
    assertThat(maximum.passed()).isTrue();
    assertThat(maximum.missing()).isZero();
    assertThat(maximum.latency().p99Ms()).isLessThanOrEqualTo(500);
    assertThat(maximum.rate()).isBetween(CAPACITY / 2L, CAPACITY * 3L / 2);
    assertThat(search.trials())
        .anySatisfy(t -> assertThat(t.rate()).isGreaterThan(maximum.rate()))
        .filteredOn(t -> t.rate() > maximum.rate())
        .allSatisfy(t -> assertThat(t.passed()).isFalse());
    assertThat(search.trials().stream().map(Trial::runId))
        .doesNotHaveDuplicates()
        .allMatch(id -> id.matches("cap-t\\d+"));
    // the report's own figures are those of the trial at the maximum
    assertThat(written.runId()).isEqualTo(maximum.runId());
    assertThat(written.requestedRate()).isEqualTo(maximum.rate());
    assertThat(written.verification().complete()).isTrue();
    assertThat(result.err()).filteredOn(l -> l.startsWith("warming up")).hasSize(1);
    assertThat(result.out()).hasSize(search.trials().size() + 1);
    assertThat(result.out().get(0)).startsWith("trial  1       50 images/s").endsWith("passed");
    assertThat(result.out().get(result.out().size() - 1))
        .startsWith("maximum sustainable rate: %,d images/s (p99 ".formatted(maximum.rate()))
        .contains("<= objective 500 ms, 0 missing)");
  }

  @Test
  void shouldExitOneWithOneLineWhenEvenTheMinimumRateIsNotSustained(@TempDir Path dir)
      throws Exception {
    // given no pipeline at all: nothing comes out
    createTopics("none");
    Path report = dir.resolve("search.json");

    Result result =
        producer(
            "none",
            () -> false,
            "--min-rate",
            "20",
            "--step-duration",
            "1s",
            "--verify-timeout",
            "2s",
            "--report",
            report.toString());

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().stream().filter(l -> l.startsWith("producer: ")))
        .singleElement()
        .asString()
        .matches("producer: even the minimum rate, 20 images/s, is not sustained: \\d+ missing");
    assertThat(result.out()).singleElement().asString().contains("FAILED (").contains("missing");
    RunReport written = RunReport.fromJson(Files.readString(report));
    assertThat(written.search().result().end()).isEqualTo(RateSearch.End.BELOW_MIN_RATE);
    assertThat(written.search().result().maximum()).isNull();
    assertThat(written.verification().missing()).isEqualTo(written.sent().acknowledged());
  }

  @Test
  void shouldStopWithTheFiguresSoFarWhenStoppedDuringATrial(@TempDir Path dir) throws Exception {
    // given a stop requested half a second after the second trial's first record reached the
    // pipeline
    createTopics("stop");
    Path report = dir.resolve("search.json");
    AtomicLong secondTrialSeen = new AtomicLong();
    AtomicLong stoppedAt = new AtomicLong();
    BooleanSupplier stop =
        () -> {
          long seen = secondTrialSeen.get();
          if (seen != 0 && System.nanoTime() - seen > 500_000_000L) {
            stoppedAt.compareAndSet(0, System.nanoTime());
            return true;
          }
          return false;
        };
    AtomicBoolean running = new AtomicBoolean(true);
    Thread pipeline =
        new Thread(
            () ->
                boundedPipeline(
                    "stop",
                    CAPACITY,
                    running,
                    key -> {
                      if (key.startsWith("stop-t2-")) {
                        secondTrialSeen.compareAndSet(0, System.nanoTime());
                      }
                    }),
            "pipeline");
    pipeline.start();
    Result result;
    try {
      result =
          producer(
              "stop",
              stop,
              "--min-rate",
              "50",
              "--step-duration",
              "4s",
              "--warm-up",
              "1s",
              "--verify-timeout",
              "5s",
              "--run-id",
              "stop",
              "--report",
              report.toString());
    } finally {
      running.set(false);
      pipeline.join();
    }
    long endedAt = System.nanoTime();

    // then the search ends at once with the first trial only, the interrupted one left out
    assertThat(result.code()).isZero();
    assertThat(stoppedAt.get()).as("the stop was seen").isPositive();
    assertThat(Duration.ofNanos(endedAt - stoppedAt.get()))
        .as("the second trial cut short: it had 3.5 s left to send")
        .isLessThan(Duration.ofSeconds(3));
    RateSearch.Result search = RunReport.fromJson(Files.readString(report)).search().result();
    assertThat(search.end()).isEqualTo(RateSearch.End.STOPPED);
    assertThat(search.trials()).singleElement().satisfies(t -> assertThat(t.rate()).isEqualTo(50));
    assertThat(result.out()).hasSize(2);
    assertThat(result.out().get(1))
        .startsWith("maximum sustainable rate: 50 images/s")
        .endsWith("; stopped before the search ended");
  }

  /**
   * The stand-in pipeline: reads {@code <topics>-in} and answers every image with a prediction of
   * its label on {@code <topics>-out}, keyed and with the headers of the image, never more than
   * {@code perSecond} a second (no bursts: each answer has its own slot). {@code keys} hears the
   * key of every image read.
   */
  private static void boundedPipeline(
      String topics, int perSecond, AtomicBoolean running, Consumer<String> keys) {
    long slotNanos = 1_000_000_000L / perSecond;
    try (var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "pipeline-" + topics,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    1),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      consumer.subscribe(List.of(topics + "-in"));
      long next = System.nanoTime();
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> in : consumer.poll(Duration.ofMillis(20))) {
          keys.accept(new String(in.key(), StandardCharsets.UTF_8));
          next = Math.max(next, System.nanoTime());
          for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
            LockSupport.parkNanos(wait);
          }
          next += slotNanos;
          if (!running.get()) {
            return;
          }
          Header label = in.headers().lastHeader(HeaderNames.LABEL);
          float[] p = new float[10];
          p[
                  label == null
                      ? 0
                      : Integer.parseInt(new String(label.value(), StandardCharsets.US_ASCII))] =
              1;
          producer.send(
              new ProducerRecord<>(
                  topics + "-out",
                  null,
                  in.timestamp(),
                  in.key(),
                  PredictionCodec.encode(Prediction.fromProbabilities(p, "test")),
                  in.headers()));
        }
      }
    }
  }
}
