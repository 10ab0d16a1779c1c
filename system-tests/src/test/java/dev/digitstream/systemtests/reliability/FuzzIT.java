package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 random records (lengths 0-4,096, null values, null keys, garbage and oversized headers,
 * wrong label headers) interleaved with 20,000 real digits. Every invalid record must reach the
 * dead-letter topic with its reason, every valid one must be predicted once, and the stream-app
 * must never restart.
 */
@Timeout(600)
class FuzzIT {

  private static final int RANDOM = 100_000;
  private static final int VALID = 20_000;
  private static final String ID = "fuzz.id";

  @Test
  void everyRecordGetsTheOutcomeItsContentCallsFor() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "fuzz", 4);
      try (StreamAppProcess app = StreamAppProcess.start(env, "fuzz").awaitReady()) {
        Map<Integer, String> expected = publish(kafka, env.get(StreamAppConfig.INPUT_TOPIC));
        Map<Integer, String> outcomes = read(kafka, env, expected.size());
        String scrape = app.scrape();

        Map<String, Integer> byOutcome = new TreeMap<>();
        expected.values().forEach(o -> byOutcome.merge(o, 1, Integer::sum));
        long wrong =
            expected.entrySet().stream()
                .filter(e -> !e.getValue().equals(outcomes.get(e.getKey())))
                .count();
        FaultFixture.record(
            "fuzz",
            "%,d records (%,d random, %,d real digits), expected outcomes %s: %,d got another outcome or none, %,d outcomes in all; stream threads alive %.0f, process restarted: %s",
            expected.size(),
            RANDOM,
            VALID,
            byOutcome,
            wrong,
            outcomes.size(),
            PrometheusScrape.sum(scrape, "kafka_stream_alive_stream_threads"),
            !app.isAlive());
        assertThat(byOutcome)
            .as("the records sent include every kind of invalid record, and valid ones")
            .containsOnlyKeys(
                "prediction", "null-value", "empty-value", "wrong-length", "bad-label");
        assertThat(outcomes)
            .as("one outcome per record, as its content calls for")
            .isEqualTo(expected);
        assertThat(PrometheusScrape.sum(scrape, "kafka_stream_alive_stream_threads")).isEqualTo(2);
        assertThat(Files.readString(app.log())).doesNotContain("stream thread failed");
        assertThat(app.isAlive()).isTrue();
      }
    }
  }

  /** Sends the records; returns each one's expected outcome: "prediction" or a DLQ reason. */
  private static Map<Integer, String> publish(EmbeddedKafka kafka, String topic) throws Exception {
    LabelledImages digits = TestData.mnist().test();
    SplittableRandom random = new SplittableRandom(42);
    Map<Integer, String> expected = new HashMap<>();
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                10,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 * 1024 * 1024),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      int validSent = 0;
      for (int id = 0; id < RANDOM + VALID; id++) {
        boolean real = validSent < VALID && random.nextInt(RANDOM + VALID) < VALID;
        byte[] key = random.nextInt(10) == 0 ? null : bytes(random, random.nextInt(64));
        byte[] value;
        String outcome;
        var record = new ProducerRecord<byte[], byte[]>(topic, null, key, null);
        List<Header> headers = new java.util.ArrayList<>();
        if (real) {
          value = digits.image(validSent % digits.count());
          headers.add(
              header(
                  HeaderNames.LABEL,
                  new byte[] {(byte) ('0' + digits.label(validSent % digits.count()))}));
          validSent++;
          outcome = "prediction";
        } else {
          int kind = random.nextInt(100);
          value =
              kind < 5
                  ? null
                  : kind < 10 ? new byte[0] : bytes(random, kind < 60 ? random.nextInt(4097) : 784);
          // a label header that is not one digit, or present without a value, is a bad label
          boolean badLabel = false;
          if (value != null && value.length == 784 && kind % 3 == 0) {
            String label = random.nextBoolean() ? "x" : random.nextBoolean() ? "10" : "";
            headers.add(header(HeaderNames.LABEL, label.getBytes(StandardCharsets.US_ASCII)));
            badLabel = true;
          } else if (kind % 7 == 0) {
            headers.add(header(HeaderNames.LABEL, null));
            badLabel = true;
          }
          for (int h = random.nextInt(4); h > 0; h--) {
            headers.add(
                header(
                    new String(bytes(random, 1 + random.nextInt(20)), StandardCharsets.ISO_8859_1),
                    random.nextBoolean() ? null : bytes(random, random.nextInt(100))));
          }
          if (random.nextInt(200) == 0) {
            headers.add(header("oversized", bytes(random, 256 * 1024)));
          }
          outcome =
              value == null
                  ? "null-value"
                  : value.length == 0
                      ? "empty-value"
                      : value.length != 784
                          ? "wrong-length"
                          : badLabel ? "bad-label" : "prediction";
        }
        headers.add(header(ID, ByteBuffer.allocate(4).putInt(id).array()));
        headers.forEach(h -> record.headers().add(h));
        producer.send(new ProducerRecord<>(topic, null, key, value, record.headers()));
        expected.put(id, outcome);
      }
      producer.flush();
    }
    return expected;
  }

  private static Header header(String name, byte[] value) {
    return new org.apache.kafka.common.header.internals.RecordHeader(name, value);
  }

  private static byte[] bytes(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  /** Each record's outcome by its id, read back from the output and dead-letter topics. */
  private static Map<Integer, String> read(
      EmbeddedKafka kafka, Map<String, String> env, int expected) {
    Map<Integer, String> outcomes = new HashMap<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "fuzz-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(
          List.of(env.get(StreamAppConfig.OUTPUT_TOPIC), env.get(StreamAppConfig.DLQ_TOPIC)));
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline
          && (outcomes.size() < expected || System.nanoTime() - quietSince < 2_000_000_000L)) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          quietSince = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          int id = ByteBuffer.wrap(r.headers().lastHeader(ID).value()).getInt();
          Header reason = r.headers().lastHeader(HeaderNames.DLQ_REASON);
          String outcome =
              r.topic().equals(env.get(StreamAppConfig.OUTPUT_TOPIC))
                  ? "prediction"
                  : new String(reason.value(), StandardCharsets.US_ASCII);
          String before = outcomes.put(id, outcome);
          if (before != null) {
            outcomes.put(id, "duplicate of " + before);
          }
        }
      }
    }
    return outcomes;
  }
}
