package dev.digitstream.producer.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.ReviewRequest;
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
  private static final String REVIEW = "review";

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

  @Test
  void shouldAccountForReviewedRecordsAndCountThemByReasonAndSource() throws Exception {
    // given twenty records of a mix, even ones "test" (labelled), odd ones "letters"
    // (unlabelled): the letters go to review but 1 and 3 are booked; test 4 goes to review as
    // low-confidence, test 6 is answered wrongly, record 19 is malformed and dead-lettered
    Malformation.Plan plan = Malformation.Plan.of(0.05);
    assertThat(plan.kindOf(19)).isNotNull();
    verifier = mixVerifier(plan);
    for (int n = 0; n < 19; n++) {
      if (n % 2 == 0 && n != 4) {
        consumer.prediction(n, n == 6 ? 0 : n % 10, "t");
      } else if (n == 1 || n == 3) {
        consumer.prediction(n, 7, "t");
      } else {
        consumer.review(n, n == 4 ? "low-confidence" : "out-of-distribution");
      }
    }
    consumer.deadLetter(19, plan.kindOf(19).expectedReason());

    // when
    boolean allArrived =
        verifier.await(records(0, 20), Duration.ofMinutes(5), Duration.ZERO, () -> false);
    Verification v = verifier.finish(records(0, 20));

    // then
    assertThat(allArrived).isTrue();
    assertThat(v.complete()).isTrue();
    assertThat(v.missing()).isZero();
    assertThat(v.reviewed()).isEqualTo(8);
    assertThat(v.reviewedByReason())
        .containsExactly(Map.entry("low-confidence", 1L), Map.entry("out-of-distribution", 7L));
    assertThat(v.predictions()).isEqualTo(11);
    assertThat(v.labelled()).as("only the test digits are labelled").isEqualTo(9);
    assertThat(v.correct()).isEqualTo(8);
    assertThat(v.accuracy()).isEqualTo(8 / 9.0);
    assertThat(v.coverage()).isEqualTo(11 / 19.0);
    assertThat(v.bySource()).containsOnlyKeys("test", "letters");
    assertThat(v.bySource().get("test")).isEqualTo(new SourceFigures(10, 9, 1));
    assertThat(v.bySource().get("letters")).isEqualTo(new SourceFigures(9, 2, 7));
    assertThat(v.bySource().get("letters").predictedShare()).isEqualTo(2 / 9.0);
    assertThat(v.latency().count()).as("predictions and review requests").isEqualTo(19);
  }

  @Test
  void shouldCountARecordFoundInTwoOutputTopicsAsDuplicated() throws Exception {
    // given: 0 predicted and reviewed, 1 reviewed and dead-lettered, 2 reviewed twice, 3 reviewed
    verifier = verifier(Malformation.Plan.of(0));
    consumer.prediction(0);
    consumer.review(0, "low-confidence");
    consumer.review(1, "low-confidence");
    consumer.deadLetter(1, InvalidReason.WRONG_LENGTH);
    consumer.review(2, "out-of-distribution");
    consumer.review(2, "out-of-distribution");
    consumer.review(3, "out-of-distribution");

    // when
    verifier.await(records(0, 4), Duration.ofSeconds(5), Duration.ofMillis(200), () -> false);
    Verification v = verifier.finish(records(0, 4));

    // then
    assertThat(v.duplicated()).isEqualTo(3);
    assertThat(v.wrongReason()).as("a valid record dead-lettered").isEqualTo(1);
    assertThat(v.missing()).isZero();
    // which of record 0's two outcomes counts depends on the order the topics are read in
    assertThat(v.predictions() + v.reviewed()).isEqualTo(4);
    assertThat(v.reviewed()).isBetween(3L, 4L);
    assertThat(v.complete()).isFalse();
  }

  @Test
  void shouldCountAMalformedOrUndecodableReviewRequestAsUnexpected() throws Exception {
    // given record 9 malformed, found in review (and in the dead-letter topic as it should),
    // and record 0 reviewed with a value that is not a review request
    Malformation.Plan plan = Malformation.Plan.of(0.1);
    verifier = verifier(plan);
    for (int n = 1; n < 9; n++) {
      consumer.prediction(n);
    }
    consumer.review(9, "out-of-distribution");
    consumer.deadLetter(9, plan.kindOf(9).expectedReason());
    consumer.addRecord(consumer.record(REVIEW, 0, "not json".getBytes(StandardCharsets.UTF_8)));

    // when
    verifier.await(records(0, 10), Duration.ofMillis(300), Duration.ZERO, () -> false);
    Verification v = verifier.finish(records(0, 10));

    // then
    assertThat(v.unexpected()).isEqualTo(2);
    assertThat(v.reviewed()).isZero();
    assertThat(v.missingKeys()).containsExactly("run-0");
    assertThat(v.deadLettersMissing()).isZero();
    assertThat(v.bySource()).as("not a mix").isEmpty();
  }

  private Verifier verifier(Malformation.Plan plan) {
    return new Verifier(
        consumer,
        new Verifier.Topics(OUT, DLQ, REVIEW),
        RUN,
        plan,
        n -> (int) (n % 10),
        n -> null,
        Clock.SYSTEM);
  }

  /** Even records from "test" with label n mod 10, odd ones from "letters" without a label. */
  private Verifier mixVerifier(Malformation.Plan plan) {
    return new Verifier(
        consumer,
        new Verifier.Topics(OUT, DLQ, REVIEW),
        RUN,
        plan,
        n -> n % 2 == 0 ? (int) (n % 10) : -1,
        n -> n % 2 == 0 ? "test" : "letters",
        Clock.SYSTEM);
  }

  private static BitSet records(int from, int to) {
    BitSet set = new BitSet();
    set.set(from, to);
    return set;
  }

  /**
   * A mock consumer of the output, dead-letter and review topics (one partition each) that waits a
   * little when it has nothing, as a real poll does, instead of spinning the verifier's thread.
   */
  private static final class PollingConsumer extends MockConsumer<byte[], byte[]> {

    private final Map<String, long[]> nextOffset =
        Map.of(OUT, new long[1], DLQ, new long[1], REVIEW, new long[1]);

    PollingConsumer() {
      super("none");
      for (String topic : List.of(OUT, DLQ, REVIEW)) {
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

    /** A review request for record {@code n} with {@code reason}. */
    void review(int n, String reason) {
      ReviewRequest review =
          new ReviewRequest(
              reason,
              3,
              0.4,
              0.99,
              7.5,
              4.5,
              List.of(
                  new ReviewRequest.Candidate(3, 0.4),
                  new ReviewRequest.Candidate(8, 0.3),
                  new ReviewRequest.Candidate(5, 0.1)),
              "t",
              new byte[784]);
      ConsumerRecord<byte[], byte[]> record = record(REVIEW, n, PredictionCodec.encode(review));
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

    ConsumerRecord<byte[], byte[]> record(String topic, int n, byte[] value) {
      long offset = nextOffset.get(topic)[0]++;
      return new ConsumerRecord<>(topic, 0, offset, Publisher.key(RUN, n), value);
    }
  }
}
