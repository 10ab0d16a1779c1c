package dev.digitstream.producer.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.producer.send.Clock;
import dev.digitstream.producer.send.Malformation;
import dev.digitstream.producer.send.Publisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verifier's accounting by identity: what is missing is the set of acknowledged records less
 * those that came out as they should, so equal counts cannot hide a lost record.
 */
@Timeout(30)
class VerifierTest {

  private static final String RUN = "run";
  private static final String OUT = "out";
  private static final String DLQ = "dlq";

  private final PollingConsumer consumer = new PollingConsumer();
  private Verifier verifier;

  @AfterEach
  void closeVerifier() {
    if (verifier != null) {
      verifier.close();
    }
  }

  @Test
  void shouldReportALostRecordMissingThoughAFailedSendEvensTheCounts() throws Exception {
    // given ten valid records: the send of 3 failed (yet it landed, as a timed-out send can) and
    // the pipeline lost 7, so 9 were acknowledged and 9 predicted
    verifier = verifier(Malformation.Plan.of(0));
    BitSet acknowledged = records(0, 10);
    acknowledged.clear(3);
    for (int n = 0; n < 10; n++) {
      if (n != 7) {
        consumer.prediction(n);
      }
    }

    // when
    boolean allArrived =
        verifier.await(acknowledged, Duration.ofMillis(300), Duration.ZERO, () -> false);
    Verification v = verifier.finish(acknowledged);

    // then
    assertThat(allArrived).as("await saw every acknowledged record").isFalse();
    assertThat(v.predictions()).isEqualTo(acknowledged.cardinality()).isEqualTo(9);
    assertThat(v.missing()).isEqualTo(1);
    assertThat(v.missingKeys()).containsExactly("run-7");
    assertThat(v.duplicated()).isZero();
    assertThat(v.complete()).isFalse();
  }

  @Test
  void shouldNotLetADeadLetteredValidRecordStandInForALostMalformedOne() throws Exception {
    // given records 0-8 valid and 9 malformed; valid 2 was dead-lettered instead of predicted and
    // malformed 9 never reached the dead-letter topic: one dead letter, as many as expected
    Malformation.Plan plan = Malformation.Plan.of(0.1);
    assertThat(plan.kindOf(9)).isEqualTo(Malformation.WRONG_LENGTH);
    verifier = verifier(plan);
    BitSet acknowledged = records(0, 10);
    for (int n = 0; n < 9; n++) {
      if (n != 2) {
        consumer.prediction(n);
      }
    }
    consumer.deadLetter(2, InvalidReason.WRONG_LENGTH);

    // when
    verifier.await(acknowledged, Duration.ofMillis(300), Duration.ZERO, () -> false);
    Verification v = verifier.finish(acknowledged);

    // then
    assertThat(v.missing()).as("valid without a prediction").isEqualTo(1);
    assertThat(v.deadLettersMissing()).as("malformed without a dead letter").isEqualTo(1);
    assertThat(v.wrongReason()).isEqualTo(1);
    assertThat(v.missingKeys()).containsExactly("run-2", "run-9");
  }

  @Test
  void shouldStopWaitingAsSoonAsEveryAcknowledgedRecordIsAccountedFor() throws Exception {
    // given five acknowledged records, one malformed, all of them answered, and an answer for a
    // record whose send failed
    Malformation.Plan plan = Malformation.Plan.of(0.2);
    verifier = verifier(plan);
    BitSet acknowledged = records(0, 5);
    for (int n = 0; n < 6; n++) {
      if (plan.kindOf(n) == null) {
        consumer.prediction(n);
      } else {
        consumer.deadLetter(n, plan.kindOf(n).expectedReason());
      }
    }

    // when: an idle timeout longer than the test's own, so only identity can end the wait
    boolean allArrived =
        verifier.await(acknowledged, Duration.ofMinutes(5), Duration.ZERO, () -> false);
    Verification v = verifier.finish(acknowledged);

    // then
    assertThat(allArrived).isTrue();
    assertThat(v.complete()).isTrue();
    assertThat(v.missingKeys()).isEmpty();
    assertThat(v.predictions()).isEqualTo(5);
    assertThat(v.labelled()).isEqualTo(v.correct()).isEqualTo(5);
  }

  @Test
  void shouldNameOnlyTheFirstTenMissingRecords() throws Exception {
    // given 100 acknowledged records and no answer at all
    verifier = verifier(Malformation.Plan.of(0));
    BitSet acknowledged = records(0, 100);

    // when
    Verification v = verifier.finish(acknowledged);

    // then
    assertThat(v.missing()).isEqualTo(100);
    assertThat(v.missingKeys())
        .hasSize(Verifier.MISSING_KEYS_SHOWN)
        .startsWith("run-0", "run-1")
        .endsWith("run-9");
  }

  @Test
  void shouldBreakPredictionsAndAccuracyDownByModelVersion() throws Exception {
    // given ten records: 0-5 predicted by model "a" (all right), 6-9 by "b" (9 wrong)
    verifier = verifier(Malformation.Plan.of(0));
    for (int n = 0; n < 10; n++) {
      consumer.prediction(n, n == 9 ? 0 : n % 10, n < 6 ? "a" : "b");
    }

    // when
    verifier.await(records(0, 10), Duration.ofSeconds(5), Duration.ZERO, () -> false);
    Verification v = verifier.finish(records(0, 10));

    // then
    assertThat(v.byModelVersion()).containsOnlyKeys("a", "b");
    assertThat(v.byModelVersion().get("a")).isEqualTo(new VersionFigures(6, 6, 6));
    assertThat(v.byModelVersion().get("b")).isEqualTo(new VersionFigures(4, 4, 3));
    assertThat(v.byModelVersion().get("b").accuracy()).isEqualTo(0.75);
    assertThat(v.correct()).isEqualTo(9);
  }

  private Verifier verifier(Malformation.Plan plan) {
    return new Verifier(consumer, OUT, DLQ, RUN, plan, n -> (int) (n % 10), Clock.SYSTEM);
  }

  private static BitSet records(int from, int to) {
    BitSet set = new BitSet();
    set.set(from, to);
    return set;
  }

  /**
   * A mock consumer of the output and dead-letter topics (one partition each) that waits a little
   * when it has nothing, as a real poll does, instead of spinning the verifier's thread.
   */
  private static final class PollingConsumer extends MockConsumer<byte[], byte[]> {

    private final Map<String, long[]> nextOffset = Map.of(OUT, new long[1], DLQ, new long[1]);

    PollingConsumer() {
      super("none");
      for (String topic : List.of(OUT, DLQ)) {
        updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
        updateEndOffsets(Map.of(new TopicPartition(topic, 0), 0L));
      }
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
      if (records.isEmpty()) {
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      return records;
    }

    /** The prediction of record {@code n}: its true label, {@code n mod 10}. */
    void prediction(int n) {
      prediction(n, n % 10, "t");
    }

    /** A prediction of record {@code n} as {@code label} by model {@code version}. */
    void prediction(int n, int label, String version) {
      float[] probabilities = new float[10];
      probabilities[label] = 1;
      ConsumerRecord<byte[], byte[]> record =
          record(
              OUT, n, PredictionCodec.encode(Prediction.fromProbabilities(probabilities, version)));
      record
          .headers()
          .add(
              HeaderNames.SEND_TIME,
              Long.toString(Clock.SYSTEM.epochMicros()).getBytes(StandardCharsets.US_ASCII));
      addRecord(record);
    }

    void deadLetter(int n, InvalidReason reason) {
      ConsumerRecord<byte[], byte[]> record = record(DLQ, n, new byte[0]);
      record
          .headers()
          .add(HeaderNames.DLQ_REASON, reason.code().getBytes(StandardCharsets.US_ASCII));
      addRecord(record);
    }

    private ConsumerRecord<byte[], byte[]> record(String topic, int n, byte[] value) {
      long offset = nextOffset.get(topic)[0]++;
      return new ConsumerRecord<>(topic, 0, offset, Publisher.key(RUN, n), value);
    }
  }
}
