package dev.digitstream.systemtests.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The delivery invariant over generated hostile records, against a real broker and the running app:
 * every record the broker accepts ends as exactly one prediction or one dead letter, and the app
 * stays up. Records mix real labelled digits with null, empty, short and near-1-MiB values, null
 * and large keys, header keys of up to 70,000 characters, thousands of headers, header values up to
 * the broker's limit and bad labels; what the broker refuses is not expected.
 */
class HostileRecordsIT {

  private static final String ID = "hostile.id";

  private static EmbeddedKafka kafka;
  private static StreamApp app;
  private static KafkaProducer<byte[], byte[]> producer;
  private static KafkaConsumer<byte[], byte[]> consumer;
  private static LabelledImages digits;
  private static String input;
  private static String output;
  private static String dlq;
  private static final Map<String, Integer> predictedById = new ConcurrentHashMap<>();
  private static final Map<String, Integer> deadByOffset = new ConcurrentHashMap<>();
  private static final Map<String, String> deadReasonByOffset = new ConcurrentHashMap<>();

  @BeforeContainer
  static void start() throws Exception {
    digits = Fixtures.testImages(100);
    kafka = EmbeddedKafka.start();
    input = Fixtures.unique("hostile-in");
    output = Fixtures.unique("hostile-out");
    dlq = Fixtures.unique("hostile-dlq");
    kafka.createTopic(input, 3);
    kafka.createTopic(output, 1);
    kafka.createTopic(dlq, 1);
    app =
        StreamApp.start(
            StreamAppConfig.fromEnv(
                StreamAppEnv.of(kafka.bootstrapServers(), Fixtures.unique("hostile"))
                    .topics(input, output, dlq)
                    .toMap()));
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                // let records over the broker's limit reach it: the broker decides what is legal
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                64L * 1024 * 1024),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    consumer = Fixtures.readCommittedConsumer(kafka.bootstrapServers());
    consumer.assign(List.of(new TopicPartition(output, 0), new TopicPartition(dlq, 0)));
    consumer.seekToBeginning(consumer.assignment());
  }

  @AfterContainer
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {consumer, producer, app, kafka}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing what is left; the test's outcome is already decided
        }
      }
    }
  }

  record Shape(byte[] key, byte[] value, List<Header> headers) {

    /**
     * The outcome the contract calls for when the record is small enough to carry whole: {@code
     * prediction} or a contract reason; empty for a large record, which may also be too-large.
     */
    Optional<String> expected() {
      long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
      for (Header h : headers) {
        size += h.key().length() + (h.value() == null ? 0 : h.value().length) + 8;
      }
      if (size > 100_000) {
        return Optional.empty();
      }
      Header label = null;
      for (Header h : headers) {
        if (h.key().equals(HeaderNames.LABEL)) {
          label = h;
        }
      }
      byte[] labelValue =
          label == null ? null : label.value() == null ? new byte[0] : label.value();
      return Optional.of(
          ImageRecord.check(value, labelValue).map(InvalidReason::code).orElse("prediction"));
    }
  }

  @Provide
  Arbitrary<List<Shape>> records() {
    Arbitrary<byte[]> values =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0, 99).map(digits::image)),
            Tuple.of(1, Arbitraries.just((byte[]) null)),
            Tuple.of(1, Arbitraries.just(new byte[0])),
            Tuple.of(1, Arbitraries.integers().between(1, 5_000).map(byte[]::new)),
            Tuple.of(1, Arbitraries.integers().between(1_040_000, 1_048_600).map(byte[]::new)));
    Arbitrary<byte[]> keys =
        Arbitraries.oneOf(
            Arbitraries.just((byte[]) null),
            Arbitraries.strings()
                .alpha()
                .ofMaxLength(30)
                .map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.integers().between(50_000, 300_000).map(byte[]::new));
    Arbitrary<Header> header =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.strings().alpha().ofMaxLength(12),
                    Arbitraries.integers().between(65_000, 70_000).map("k"::repeat),
                    Arbitraries.just(HeaderNames.LABEL)),
                Arbitraries.oneOf(
                    Arbitraries.just((byte[]) null),
                    Arbitraries.of("7", "x", "12", "")
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                    Arbitraries.integers().between(100_000, 1_048_000).map(byte[]::new)))
            .as((k, v) -> (Header) new RecordHeader(k, v));
    Arbitrary<List<Header>> headers =
        Arbitraries.oneOf(
            header.list().ofMaxSize(3),
            Arbitraries.integers()
                .between(1_000, 20_000)
                .map(
                    n -> {
                      List<Header> many = new ArrayList<>();
                      for (int i = 0; i < n; i++) {
                        many.add(new RecordHeader("h" + i, new byte[] {(byte) i}));
                      }
                      return many;
                    }));
    return Combinators.combine(keys, values, headers)
        .as(Shape::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Property(tries = 40, shrinking = ShrinkingMode.OFF)
  void everyAcceptedRecordEndsAsExactlyOnePredictionOrDeadLetter(
      @ForAll("records") List<Shape> shapes) throws Exception {
    List<String> ids = new ArrayList<>();
    Map<String, Optional<String>> expected = new HashMap<>();
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (Shape shape : shapes) {
      String id = UUID.randomUUID().toString();
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(input, shape.key(), shape.value());
      shape.headers().forEach(record.headers()::add);
      record.headers().add(ID, id.getBytes(StandardCharsets.US_ASCII));
      ids.add(id);
      expected.put(id, shape.expected());
      sends.add(producer.send(record));
    }
    producer.flush();
    Map<String, String> accepted = new HashMap<>(); // id -> partition/offset
    for (int i = 0; i < sends.size(); i++) {
      try {
        RecordMetadata m = sends.get(i).get();
        accepted.put(ids.get(i), m.partition() + "/" + m.offset());
      } catch (ExecutionException refused) {
        // too large for the broker: not a record Kafka accepted
      }
    }

    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                drain(Duration.ofMillis(100));
                return accepted.entrySet().stream().allMatch(e -> outcomes(e) >= 1);
              });
    } catch (ConditionTimeoutException e) {
      // the assertion below says which
    }
    drain(Duration.ofMillis(300)); // a late duplicate would show here

    assertThat(app.failed()).as("the app is still running").isFalse();
    for (var e : accepted.entrySet()) {
      assertThat(outcomes(e))
          .as("outcomes of record %s (at %s)", e.getKey(), e.getValue())
          .isEqualTo(1);
      expected
          .get(e.getKey())
          .ifPresent(
              outcome ->
                  assertThat(outcomeOf(e))
                      .as("outcome of small record %s", e.getKey())
                      .isEqualTo(outcome));
    }
  }

  private static int outcomes(Map.Entry<String, String> record) {
    return predictedById.getOrDefault(record.getKey(), 0)
        + deadByOffset.getOrDefault(record.getValue(), 0);
  }

  private static String outcomeOf(Map.Entry<String, String> record) {
    return predictedById.containsKey(record.getKey())
        ? "prediction"
        : deadReasonByOffset.get(record.getValue());
  }

  private static void drain(Duration poll) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(poll)) {
      if (r.topic().equals(output)) {
        Header id = r.headers().lastHeader(ID);
        predictedById.merge(new String(id.value(), StandardCharsets.US_ASCII), 1, Integer::sum);
      } else {
        String at =
            header(r, HeaderNames.DLQ_SOURCE_PARTITION)
                + "/"
                + header(r, HeaderNames.DLQ_SOURCE_OFFSET);
        deadByOffset.merge(at, 1, Integer::sum);
        deadReasonByOffset.put(at, header(r, HeaderNames.DLQ_REASON));
      }
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
