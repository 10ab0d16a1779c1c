package dev.digitstream.streamapp.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.ReviewRequest;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Calibration;
import dev.digitstream.model.DriftBaseline;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.OutOfDistribution;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.ModelGeneration;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.metrics.AccuracyMetrics;
import dev.digitstream.streamapp.metrics.AppMetrics;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.streamapp.metrics.FlowMetrics;
import dev.digitstream.streamapp.metrics.ReviewMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The production topology, driven by {@link TopologyTestDriver}. */
class TopologyTest {

  private static final int MAX_BATCH = 4;
  private static final long MAX_DELAY_MS = 50;

  private static LoadedModel model;
  private static LabelledImages images;

  private TopologyTestDriver driver;
  private SimpleMeterRegistry registry;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], byte[]> predictions;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private TestOutputTopic<byte[], byte[]> review;

  /** The batchers' wall clock, moved together with the driver's by {@link #passTime}. */
  private final AtomicLong clockMs = new AtomicLong();

  @BeforeAll
  static void loadModel() throws IOException {
    Nd4jRuntime.configure(1);
    model = TestModels.untrained(3);
    images = TestData.mnist().test().head(20);
  }

  private void start(Map<String, String> env) {
    start(env, model.metadata());
  }

  /** Starts the topology serving {@link #model} as described by {@code served}. */
  private void start(Map<String, String> env, ModelMetadata served) {
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "BATCH_MAX_SIZE", Integer.toString(MAX_BATCH),
                "BATCH_MAX_DELAY_MS", Long.toString(MAX_DELAY_MS),
                "APPLICATION_ID", "topology-test"));
    all.putAll(env);
    StreamAppConfig config = StreamAppConfig.fromEnv(all);
    registry = new SimpleMeterRegistry();
    AppMetrics metrics = AppMetrics.bind(registry, MAX_BATCH, 3, model.metadata(), 0);
    Batchers batchers =
        new Batchers(
            new ModelGeneration(served, List.of(), () -> new BatchClassifier(model, MAX_BATCH)),
            0,
            config.batchTiming(),
            metrics.batches(),
            config.review(),
            metrics.review().drift(),
            clockMs::get,
            clockMs::get);
    var props = config.streamsProperties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(config, batchers, metrics, RecordSizeLimit.KAFKA_DEFAULT),
            props,
            Instant.EPOCH);
    input = driver.createInputTopic("images", new ByteArraySerializer(), new ByteArraySerializer());
    predictions =
        driver.createOutputTopic(
            "predictions", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            "images-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    review =
        driver.createOutputTopic(
            "review", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static byte[] key(int i) {
    return ("img-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private void sendImage(int i) {
    Headers headers = new RecordHeaders();
    headers.add(HeaderNames.LABEL, ImageRecord.labelHeader(images.label(i)));
    headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
    input.pipeInput(
        new TestRecord<>(key(i), images.image(i), headers, Instant.ofEpochMilli(1000 + i)));
  }

  /** Lets wall-clock time pass the way a stream thread sees it: a punctuation every tick. */
  private void passTime(long ms) {
    long tick = MAX_DELAY_MS / 4;
    for (long passed = 0; passed < ms; passed += tick) {
      long step = Math.min(tick, ms - passed);
      clockMs.addAndGet(step);
      driver.advanceWallClockTime(Duration.ofMillis(step));
    }
  }

  private double batchCount(String reason) {
    return registry.get(BatchMetrics.BATCH_SIZE).tag("reason", reason).summary().count();
  }

  @Test
  void shouldClassifyAFullBatchAtOnceKeepingKeysHeadersAndTimestamps() throws IOException {
    start(Map.of("BATCH_MAX_DELAY_MS", "60000"));

    for (int i = 0; i < MAX_BATCH - 1; i++) {
      sendImage(i);
    }
    assertThat(predictions.isEmpty()).as("a partial batch waits").isTrue();
    sendImage(MAX_BATCH - 1);

    List<TestRecord<byte[], byte[]>> out = predictions.readRecordsToList();
    assertThat(out).hasSize(MAX_BATCH);
    List<Prediction> offline =
        new BatchClassifier(model, MAX_BATCH)
            .classify(Stream.iterate(0, i -> i + 1).limit(MAX_BATCH).map(images::image).toList())
            .predictions();
    for (int i = 0; i < MAX_BATCH; i++) {
      TestRecord<byte[], byte[]> record = out.get(i);
      assertThat(record.key()).isEqualTo(key(i));
      assertThat(record.timestamp()).isEqualTo(1000 + i);
      assertThat(record.headers().lastHeader("trace").value())
          .isEqualTo(("t" + i).getBytes(StandardCharsets.UTF_8));
      assertThat(record.headers().lastHeader(HeaderNames.LABEL).value())
          .isEqualTo(ImageRecord.labelHeader(images.label(i)));
      Prediction prediction = PredictionCodec.decode(record.value());
      assertThat(prediction.modelVersion()).isEqualTo(model.metadata().versionId());
      assertThat(prediction.label()).isEqualTo(offline.get(i).label());
      assertThat(prediction.probabilities())
          .containsExactly(offline.get(i).probabilities(), within(1e-6f));
    }
    assertThat(batchCount("size")).isEqualTo(1);
    assertThat(registry.get(BatchMetrics.BATCH_SIZE).tag("reason", "size").summary().totalAmount())
        .isEqualTo(MAX_BATCH);
    assertThat(registry.get(FlowMetrics.PREDICTIONS_OUT).counter().count()).isEqualTo(MAX_BATCH);
  }

  @Test
  void shouldFlushAPartialBatchOnceItsOldestImageWaitedTheMaximumDelay() {
    start(Map.of());

    sendImage(0);
    sendImage(1);
    passTime(MAX_DELAY_MS / 2);
    assertThat(predictions.isEmpty()).isTrue();
    passTime(MAX_DELAY_MS);

    assertThat(predictions.readKeyValuesToList())
        .extracting(kv -> new String(kv.key, StandardCharsets.UTF_8))
        .containsExactly("img-0", "img-1");
    assertThat(batchCount("delay")).isEqualTo(1);
    assertThat(batchCount("size")).isZero();
  }

  @Test
  void shouldRunABatchEarlyWhenWaitingLongerWouldMissTheLatencyTarget() {
    start(Map.of("LATENCY_TARGET_MS", "20")); // the maximum delay stays 50 ms

    sendImage(0);
    sendImage(1);
    passTime(12);
    assertThat(predictions.isEmpty()).as("12 ms waited: 8 left, checks every 2 ms").isTrue();
    passTime(12);

    assertThat(predictions.readKeyValuesToList()).hasSize(2);
    assertThat(batchCount("target")).isEqualTo(1);
    assertThat(batchCount("delay")).isZero();
  }

  @Test
  void shouldSendWhatTriageDoesNotAcceptToReviewWithItsTopThreeItsReasonAndTheImage()
      throws IOException {
    // an untrained network gives every digit about 0.1: below 0.5, nothing is booked
    start(Map.of("REVIEW_THRESHOLD", "0.5"));
    for (int i = 0; i < MAX_BATCH; i++) {
      sendImage(i);
    }

    assertThat(predictions.isEmpty()).isTrue();
    List<TestRecord<byte[], byte[]>> out = review.readRecordsToList();
    assertThat(out).hasSize(MAX_BATCH);
    for (int i = 0; i < MAX_BATCH; i++) {
      TestRecord<byte[], byte[]> record = out.get(i);
      assertThat(record.key()).isEqualTo(key(i));
      assertThat(record.timestamp()).isEqualTo(1000 + i);
      assertThat(record.headers().lastHeader("trace").value())
          .isEqualTo(("t" + i).getBytes(StandardCharsets.UTF_8));
      assertThat(new String(record.headers().lastHeader(HeaderNames.MODEL_VERSION).value()))
          .isEqualTo(model.metadata().versionId());
      ReviewRequest request = PredictionCodec.decodeReview(record.value());
      assertThat(request.reason()).isEqualTo("low-confidence");
      assertThat(request.threshold()).isEqualTo(0.5);
      assertThat(request.image()).isEqualTo(images.image(i));
      assertThat(request.top()).hasSize(3);
      assertThat(request.top().get(0).digit()).isEqualTo(request.label());
      assertThat(request.top().get(0).probability()).isEqualTo(request.confidence());
      assertThat(request.top())
          .extracting(ReviewRequest.Candidate::probability)
          .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }
    assertThat(registry.get(FlowMetrics.REVIEWS_OUT).counter().count()).isEqualTo(MAX_BATCH);
    assertThat(
            registry.get(ReviewMetrics.TRIAGE).tag("outcome", "low-confidence").counter().count())
        .isEqualTo(MAX_BATCH);
    assertThat(registry.get(ReviewMetrics.LABELLED).tag("outcome", "reviewed").counter().count())
        .isEqualTo(MAX_BATCH);
  }

  @Test
  void shouldBookEveryPredictionWithoutAssessingItWhenReviewIsOff() {
    start(Map.of("REVIEW_THRESHOLD", "0.5", "REVIEW_TOPIC", ""));
    for (int i = 0; i < MAX_BATCH; i++) {
      sendImage(i);
    }

    assertThat(predictions.readRecordsToList()).hasSize(MAX_BATCH);
    assertThat(review.isEmpty()).isTrue();
    assertThat(registry.get(ReviewMetrics.TRIAGE).counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
    assertThat(registry.get(ReviewMetrics.DRIFT_RECORDS).gauge().value()).isZero();
  }

  @Test
  void shouldSendAnImageUnlikeADigitToReviewAsOutOfDistributionWhateverTheConfidence()
      throws IOException {
    // a detector fitted on these digits; a confidence threshold of 0 books every digit
    OutOfDistribution detector = OutOfDistribution.fit(images, images);
    start(
        Map.of("REVIEW_THRESHOLD", "0"),
        model.metadata().withTrust(Calibration.NONE, detector, DriftBaseline.NONE));
    sendImage(0);
    byte[] noise = new byte[ImageRecord.SIZE];
    new java.util.Random(7).nextBytes(noise);
    input.pipeInput(new TestRecord<>(key(99), noise, new RecordHeaders(), Instant.ofEpochMilli(5)));
    passTime(MAX_DELAY_MS * 2);

    assertThat(predictions.readKeyValuesToList())
        .extracting(kv -> new String(kv.key, StandardCharsets.UTF_8))
        .containsExactly("img-0");
    List<TestRecord<byte[], byte[]>> reviewed = review.readRecordsToList();
    assertThat(reviewed).hasSize(1);
    ReviewRequest request = PredictionCodec.decodeReview(reviewed.get(0).value());
    assertThat(request.reason()).isEqualTo("out-of-distribution");
    assertThat(request.outOfDistributionScore()).isGreaterThan(detector.threshold());
    assertThat(request.image()).isEqualTo(noise);
  }

  static Stream<Arguments> invalidRecords() {
    return Stream.of(
        Arguments.of("null-value", null, null),
        Arguments.of("empty-value", new byte[0], null),
        Arguments.of("wrong-length", new byte[783], null),
        Arguments.of("wrong-length", new byte[4096], "3"),
        Arguments.of("bad-label", new byte[784], "12"),
        Arguments.of("bad-label", new byte[784], "x"),
        Arguments.of("bad-label", new byte[784], ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRecords")
  void shouldRouteInvalidRecordsToTheDeadLetterTopicWithReasonAndSource(
      String reason, byte[] value, String label) {
    start(Map.of());
    Headers headers = new RecordHeaders();
    if (label != null) {
      headers.add(new RecordHeader(HeaderNames.LABEL, label.getBytes(StandardCharsets.US_ASCII)));
    }

    input.pipeInput(new TestRecord<>(key(7), value, headers, Instant.ofEpochMilli(5)));
    sendImage(0);
    passTime(2 * MAX_DELAY_MS);

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(key(7));
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead, HeaderNames.DLQ_REASON)).isEqualTo(reason);
    assertThat(header(dead, HeaderNames.DLQ_DETAIL)).isNotBlank();
    assertThat(header(dead, HeaderNames.DLQ_SOURCE_TOPIC)).isEqualTo("images");
    assertThat(header(dead, HeaderNames.DLQ_SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(dead, HeaderNames.DLQ_SOURCE_OFFSET)).isEqualTo("0");
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(predictions.readKeyValuesToList()).hasSize(1);
    assertThat(registry.get(FlowMetrics.DEAD_LETTERS).tag("reason", reason).counter().count())
        .isEqualTo(1);
    assertThat(registry.get(FlowMetrics.RECORDS_IN).counter().count()).isEqualTo(2);
  }

  @Test
  void shouldTimeEachBatchFromItsOwnFirstImage() {
    start(Map.of());

    sendImage(0);
    passTime(MAX_DELAY_MS * 4 / 5);
    for (int i = 1; i <= MAX_BATCH; i++) { // fills the first batch and starts a second
      sendImage(i % 10);
    }
    assertThat(batchCount("size")).isEqualTo(1);
    passTime(MAX_DELAY_MS / 2);
    assertThat(batchCount("delay"))
        .as("the first batch's start is past the deadline, the second's is not")
        .isZero();
    passTime(MAX_DELAY_MS);

    assertThat(batchCount("delay")).isEqualTo(1);
    assertThat(registry.get(BatchMetrics.BATCH_SIZE).tag("reason", "delay").summary().totalAmount())
        .isEqualTo(1);
  }

  @Test
  void shouldCountAccuracyAndTheConfusionMatrixFromLabelledRecords() throws IOException {
    start(Map.of());

    for (int i = 0; i < 8; i++) {
      sendImage(i);
    }
    input.pipeInput(key(99), images.image(9)); // unlabelled: predicted, not scored
    passTime(2 * MAX_DELAY_MS);

    List<TestRecord<byte[], byte[]>> out = predictions.readRecordsToList();
    assertThat(out).hasSize(9);
    int correct = 0;
    Map<String, Integer> confusion = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      int predicted = PredictionCodec.decode(out.get(i).value()).label();
      correct += predicted == images.label(i) ? 1 : 0;
      confusion.merge(images.label(i) + "->" + predicted, 1, Integer::sum);
    }
    assertThat(registry.get(AccuracyMetrics.LABELLED).counter().count()).isEqualTo(8);
    assertThat(registry.get(AccuracyMetrics.CORRECT).counter().count()).isEqualTo(correct);
    for (var cell : confusion.entrySet()) {
      String[] parts = cell.getKey().split("->");
      assertThat(
              registry
                  .get(AccuracyMetrics.CONFUSION)
                  .tag("actual", parts[0])
                  .tag("predicted", parts[1])
                  .counter()
                  .count())
          .isEqualTo(cell.getValue().doubleValue());
    }
    assertThat(registry.get(AccuracyMetrics.CONFIDENCE).summary().count()).isEqualTo(9);
    // the rolling window (3) holds the last three labelled outcomes
    int lastThree = 0;
    for (int i = 5; i < 8; i++) {
      lastThree += PredictionCodec.decode(out.get(i).value()).label() == images.label(i) ? 1 : 0;
    }
    assertThat(registry.get(AccuracyMetrics.ROLLING_ACCURACY).gauge().value())
        .isCloseTo(lastThree / 3.0, within(1e-9));
  }

  @Test
  void shouldMeasureEndToEndLatencyFromTheInputTimestamp() {
    start(Map.of());

    input.pipeInput(new TestRecord<>(key(1), images.image(1), new RecordHeaders(), Instant.EPOCH));
    passTime(2 * MAX_DELAY_MS);

    var latency = registry.get(FlowMetrics.END_TO_END_LATENCY).timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isGreaterThanOrEqualTo(MAX_DELAY_MS);
  }

  @Test
  void shouldPredictAValidImageWhoseHeaderKeyIsLongerThan65535Bytes() {
    start(Map.of());
    String longKey = "k".repeat(70_000);
    Headers headers = new RecordHeaders();
    headers.add(longKey, new byte[] {1, 2, 3});

    input.pipeInput(new TestRecord<>(key(1), images.image(1), headers, Instant.ofEpochMilli(5)));
    passTime(2 * MAX_DELAY_MS);

    TestRecord<byte[], byte[]> out = predictions.readRecord();
    assertThat(out.key()).isEqualTo(key(1));
    assertThat(out.headers().lastHeader(longKey).value()).containsExactly(1, 2, 3);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldCutADeadLetterThatWouldExceedTheRecordLimitAndSayWhatWasCut() {
    start(Map.of());
    byte[] value = new byte[1_048_400]; // a record the broker takes; its dead letter is larger
    new java.util.Random(1).nextBytes(value);

    input.pipeInput(new TestRecord<>(key(3), value, new RecordHeaders(), Instant.ofEpochMilli(5)));

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(header(dead, HeaderNames.DLQ_REASON)).isEqualTo("too-large");
    assertThat(header(dead, HeaderNames.DLQ_DETAIL)).startsWith("wrong-length: ");
    assertThat(header(dead, HeaderNames.DLQ_VALUE_SIZE)).isEqualTo("1048400");
    assertThat(header(dead, HeaderNames.DLQ_VALUE_SHA256))
        .isEqualTo(dev.digitstream.common.mnist.Sha256.of(value));
    assertThat(header(dead, HeaderNames.DLQ_SOURCE_OFFSET)).isEqualTo("0");
    assertThat(dead.key()).isEqualTo(key(3));
    assertThat(value).startsWith(dead.value());
    assertThat(sizeOf(dead)).isLessThanOrEqualTo(RecordSizeLimit.KAFKA_DEFAULT.maxBytes());
    assertThat(dead.value().length).isGreaterThan(1_040_000);
    assertThat(registry.get(FlowMetrics.DEAD_LETTERS).tag("reason", "too-large").counter().count())
        .isEqualTo(1);
  }

  @Test
  void shouldDeadLetterAValidImageWhosePredictionWouldNotFit() {
    start(Map.of());
    Headers headers = new RecordHeaders();
    headers.add(HeaderNames.LABEL, ImageRecord.labelHeader(images.label(2)));
    headers.add("scan", new byte[1_047_600]); // the whole record still fits a default broker

    input.pipeInput(new TestRecord<>(key(2), images.image(2), headers, Instant.ofEpochMilli(5)));
    sendImage(0);
    passTime(2 * MAX_DELAY_MS);

    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertThat(header(dead, HeaderNames.DLQ_REASON)).isEqualTo("too-large");
    assertThat(header(dead, HeaderNames.DLQ_DETAIL)).contains("original headers dropped");
    assertThat(dead.headers().lastHeader("scan")).isNull();
    assertThat(dead.value()).isEqualTo(images.image(2));
    assertThat(sizeOf(dead)).isLessThanOrEqualTo(RecordSizeLimit.KAFKA_DEFAULT.maxBytes());
    assertThat(predictions.readKeyValuesToList()).hasSize(1);
  }

  @Test
  void shouldDeleteAPendingEntryWhenItsPredictionIsEmittedUnderExactlyOnce() {
    start(Map.of("BATCH_MAX_DELAY_MS", "60000"));
    KeyValueStore<Long, PendingRecord> store =
        driver.getKeyValueStore(TopologyFactory.PENDING_STORE);

    for (int i = 0; i < MAX_BATCH; i++) {
      sendImage(i);
    }

    assertThat(predictions.readRecordsToList()).hasSize(MAX_BATCH);
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void
      shouldKeepAnEntryWhoseOffsetMayBeCommittedUntilACommitFlushedItsPredictionUnderAtLeastOnce() {
    start(Map.of("PROCESSING_GUARANTEE", "at_least_once"));
    KeyValueStore<Long, PendingRecord> store =
        driver.getKeyValueStore(TopologyFactory.PENDING_STORE);

    // the test driver commits after every input record: each of the first three is stored by the
    // commit after it (its offset is committed), the fourth fills the batch before a commit and is
    // never stored
    for (int i = 0; i < MAX_BATCH; i++) {
      sendImage(i);
    }

    assertThat(predictions.readRecordsToList()).hasSize(MAX_BATCH);
    assertThat(store.all())
        .toIterable()
        .extracting(kv -> kv.key)
        .as("entries stored before a commit wait for the next one")
        .containsExactly(0L, 1L, 2L);

    passTime(MAX_DELAY_MS / 4); // the next punctuation sees the commit that flushed them

    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldClassifyWhatARestoredPendingStoreHoldsWithTheirOwnKeysHeadersAndTimestamps()
      throws IOException {
    start(Map.of());
    KeyValueStore<Long, PendingRecord> store =
        driver.getKeyValueStore(TopologyFactory.PENDING_STORE);
    // what a restore after a crash leaves: entries whose offsets were committed before their
    // predictions were emitted; nothing is piped, so only the restore path can emit them
    int restored = MAX_BATCH - 1;
    for (int i = 0; i < restored; i++) {
      Headers headers = new RecordHeaders();
      headers.add(HeaderNames.LABEL, ImageRecord.labelHeader(images.label(i)));
      headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
      store.put((long) i, new PendingRecord(key(i), images.image(i), headers, 1000 + i));
    }

    passTime(MAX_DELAY_MS * 2);

    List<TestRecord<byte[], byte[]>> out = predictions.readRecordsToList();
    assertThat(out).hasSize(restored);
    for (int i = 0; i < restored; i++) {
      TestRecord<byte[], byte[]> record = out.get(i);
      assertThat(record.key()).isEqualTo(key(i));
      assertThat(header(record, "trace")).isEqualTo("t" + i);
      assertThat(record.timestamp()).isEqualTo(1000 + i);
      Prediction prediction = PredictionCodec.decode(record.value());
      assertThat(prediction.label()).isBetween(0, 9);
      assertThat(header(record, HeaderNames.MODEL_VERSION)).isEqualTo(prediction.modelVersion());
    }
    assertThat(store.approximateNumEntries()).as("emitted entries are deleted").isZero();
    assertThat(registry.get(FlowMetrics.PENDING_RESTORED).counter().count()).isEqualTo(restored);
    assertThat(batchCount("delay")).as("re-queued into one batch").isEqualTo(1);
  }

  private static int sizeOf(TestRecord<byte[], byte[]> record) {
    return RecordSizeLimit.sizeOf(record.key(), record.value(), record.headers().toArray());
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
