package dev.digitstream.producer.verify;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.ReviewRequest;
import dev.digitstream.producer.send.Clock;
import dev.digitstream.producer.send.Malformation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.LongToIntFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

/**
 * Reads a run's predictions, review requests and dead letters back (read_committed) on its own
 * thread and accounts for every record: one prediction or one review request per valid record, one
 * dead letter with the right reason per malformed record, latency from the intended send time,
 * accuracy of the predictions against the known labels, and for a mixed source what became of each
 * source's records. Records of other runs are ignored; records of this run that should not exist (a
 * prediction or review request for a malformed record, an undecodable one) are counted as
 * unexpected, and a record found more than once, in one topic or across them, as duplicated.
 *
 * <p>What is missing is found by identity, not by counting: the records the broker acknowledged (by
 * record number) less those that came out as they should. A record whose send failed is not
 * expected, so a send error that still landed a record cannot make up for another one lost.
 */
public final class Verifier implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);

  /** How many missing records the verification names. */
  static final int MISSING_KEYS_SHOWN = 10;

  /**
   * The topics the pipeline writes to.
   *
   * @param review null or empty when the pipeline runs without review
   */
  public record Topics(String predictions, String deadLetters, String review) {

    public Topics {
      review = review == null || review.isEmpty() ? null : review;
    }

    public List<String> all() {
      return review == null
          ? List.of(predictions, deadLetters)
          : List.of(predictions, deadLetters, review);
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Topics topics;
  private final String keyPrefix;
  private final Malformation.Plan malformed;
  private final LongToIntFunction labelOf;
  private final LongFunction<String> sourceOf;
  private final Clock clock;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);

  // Written by the verifier thread only; read by others after close() or as progress estimates.
  // records that came out in any of the topics, for duplicates within and across them
  private final BitSet seen = new BitSet();
  private final BitSet predictedRecords = new BitSet();
  private final BitSet reviewedRecords = new BitSet();
  // records with the outcome they should have: a prediction if valid, a dead letter if malformed
  private final BitSet accountedFor = new BitSet();
  // acknowledged records not yet accounted for, from when await() hands the acknowledged set over
  private BitSet outstanding;
  private volatile BitSet awaited;
  private volatile long outstandingCount = -1;
  private final LatencyRecorder latency = new LatencyRecorder();
  private final Map<String, Long> deadLettersByReason = new TreeMap<>();
  private final Map<String, Long> reviewedByReason = new TreeMap<>();
  private volatile long predictions;
  private volatile long reviewed;
  private volatile long deadLetters;
  private long duplicated;
  private long unexpected;
  private long wrongReason;
  private long labelled;
  private long correct;
  private final Map<String, VersionFigures> byModelVersion = new LinkedHashMap<>();
  private long firstNanos;
  private long lastNanos;
  private volatile long lastActivityNanos;
  private volatile RuntimeException failure;

  /**
   * Positions {@code consumer} at the current end of the topics (so only this run's records are
   * read) and starts reading.
   *
   * @param labelOf the true label of record {@code n}, or -1 when unknown
   * @param sourceOf the mix source record {@code n} came from, or null when the run is not a mix
   */
  public Verifier(
      Consumer<byte[], byte[]> consumer,
      Topics topics,
      String runId,
      Malformation.Plan malformed,
      LongToIntFunction labelOf,
      LongFunction<String> sourceOf,
      Clock clock) {
    this.consumer = consumer;
    this.topics = topics;
    this.keyPrefix = runId + "-";
    this.malformed = malformed;
    this.labelOf = labelOf;
    this.sourceOf = sourceOf;
    this.clock = clock;
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics.all()) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    // the JSON mapper's first decode took 0.5-0.9 s in a fresh JVM here: on the first record read,
    // it counted as the latency of the first records measured (warm-up records are another run's,
    // skipped before decoding): BENCHMARKS.md, "The first trial's stall"
    PredictionCodec.warmUp();
    lastActivityNanos = clock.nanoTime();
    thread = new Thread(this::loop, "verifier");
    thread.setDaemon(true);
    thread.start();
  }

  /** Predictions received so far (distinct records). */
  public long predictions() {
    return predictions;
  }

  /** Review requests received so far (distinct records). */
  public long reviewed() {
    return reviewed;
  }

  /** Dead letters of this run received so far. */
  public long deadLetters() {
    return deadLetters;
  }

  /**
   * Waits until every record in {@code acknowledged} is accounted for (a prediction or a review
   * request if valid, a dead letter if malformed), nothing has arrived for {@code idle}, or {@code
   * stop} says so; then reads on for {@code grace} so late duplicates are seen.
   *
   * @param acknowledged the numbers of the records the broker acknowledged; not modified
   * @return whether every acknowledged record was accounted for
   */
  public boolean await(BitSet acknowledged, Duration idle, Duration grace, BooleanSupplier stop)
      throws InterruptedException {
    // the verifier thread takes it from here, so only that thread touches the sets it fills
    awaited = (BitSet) acknowledged.clone();
    while (outstandingCount != 0 && !stop.getAsBoolean()) {
      if (failure != null) {
        throw failure;
      }
      if (clock.nanoTime() - lastActivityNanos > idle.toNanos()) {
        break;
      }
      Thread.sleep(20);
    }
    Thread.sleep(grace.toMillis());
    return outstandingCount == 0;
  }

  /**
   * Stops reading and returns the accounting; call once.
   *
   * @param acknowledged the numbers of the records the broker acknowledged: the records expected
   */
  public Verification finish(BitSet acknowledged) {
    close();
    if (failure != null) {
      throw failure;
    }
    BitSet unaccounted = (BitSet) acknowledged.clone();
    unaccounted.andNot(accountedFor);
    long missing = 0;
    long deadLettersMissing = 0;
    List<String> missingKeys = new ArrayList<>();
    Map<String, SourceFigures> bySource = bySource(acknowledged);
    for (int n = unaccounted.nextSetBit(0); n >= 0; n = unaccounted.nextSetBit(n + 1)) {
      if (malformed.kindOf(n) == null) {
        missing++;
      } else {
        deadLettersMissing++;
      }
      if (missingKeys.size() < MISSING_KEYS_SHOWN) {
        missingKeys.add(keyPrefix + n);
      }
    }
    double seconds = predictions > 1 ? (lastNanos - firstNanos) / 1e9 : 0;
    return new Verification(
        predictions,
        missing,
        duplicated,
        deadLetters,
        deadLettersMissing,
        missingKeys,
        wrongReason,
        Map.copyOf(deadLettersByReason),
        unexpected,
        seconds > 0 ? (predictions - 1) / seconds : 0,
        latency.summary(),
        labelled,
        correct,
        byModelVersion,
        reviewed,
        reviewedByReason,
        bySource);
  }

  /** The valid acknowledged records of each mix source and what became of them. */
  private Map<String, SourceFigures> bySource(BitSet acknowledged) {
    Map<String, SourceFigures> bySource = new LinkedHashMap<>();
    for (int n = acknowledged.nextSetBit(0); n >= 0; n = acknowledged.nextSetBit(n + 1)) {
      String source = sourceOf.apply(n);
      if (source != null && malformed.kindOf(n) == null) {
        bySource.merge(
            source,
            new SourceFigures(1, predictedRecords.get(n) ? 1 : 0, reviewedRecords.get(n) ? 1 : 0),
            SourceFigures::plus);
      }
    }
    return bySource;
  }

  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void loop() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          lastActivityNanos = clock.nanoTime();
          account(record);
        }
        BitSet acknowledged = awaited;
        if (outstanding == null && acknowledged != null) {
          outstanding = acknowledged;
          outstanding.andNot(accountedFor);
          outstandingCount = outstanding.cardinality();
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void account(ConsumerRecord<byte[], byte[]> record) {
    long n = recordNumber(record.key());
    if (n < 0) {
      return; // another run's record
    }
    Malformation malformation = malformed.kindOf(n);
    if (record.topic().equals(topics.deadLetters())) {
      deadLetter(record, (int) n, malformation);
      return;
    }
    if (malformation != null) {
      unexpected++;
      return;
    }
    if (predictedRecords.get((int) n) || reviewedRecords.get((int) n)) {
      duplicated++;
      return;
    }
    if (seen.get((int) n)) {
      // dead-lettered before (wrong reason counted there), yet it came out as a valid record must
      duplicated++;
    }
    if (record.topic().equals(topics.predictions())) {
      predicted(record, n);
    } else {
      reviewed(record, n);
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, int n, Malformation malformation) {
    String reason = header(record, HeaderNames.DLQ_REASON);
    deadLettersByReason.merge(reason == null ? "(none)" : reason, 1L, Long::sum);
    if (malformation == null || !malformation.expectedReason().code().equals(reason)) {
      wrongReason++;
    }
    if (seen.get(n)) {
      duplicated++;
      return;
    }
    seen.set(n);
    deadLetters++;
    if (malformation != null) {
      accountFor(n);
    }
  }

  private void predicted(ConsumerRecord<byte[], byte[]> record, long n) {
    Prediction prediction;
    try {
      prediction = PredictionCodec.decode(record.value());
    } catch (IOException e) {
      unexpected++;
      return;
    }
    long now = clock.nanoTime();
    if (predictions == 0) {
      firstNanos = now;
    }
    lastNanos = now;
    seen.set((int) n);
    predictedRecords.set((int) n);
    predictions++;
    accountFor((int) n);
    recordLatency(record);
    int truth = labelOf.applyAsInt(n);
    boolean right = truth >= 0 && prediction.label() == truth;
    if (truth >= 0) {
      labelled++;
      if (right) {
        correct++;
      }
    }
    byModelVersion.merge(
        String.valueOf(prediction.modelVersion()),
        new VersionFigures(1, truth >= 0 ? 1 : 0, right ? 1 : 0),
        (sum, one) -> sum.plus(truth >= 0, right));
  }

  private void reviewed(ConsumerRecord<byte[], byte[]> record, long n) {
    ReviewRequest review;
    try {
      review = PredictionCodec.decodeReview(record.value());
    } catch (IOException e) {
      unexpected++;
      return;
    }
    seen.set((int) n);
    reviewedRecords.set((int) n);
    reviewed++;
    accountFor((int) n);
    recordLatency(record);
    reviewedByReason.merge(String.valueOf(review.reason()), 1L, Long::sum);
  }

  private void recordLatency(ConsumerRecord<byte[], byte[]> record) {
    String sendTime = header(record, HeaderNames.SEND_TIME);
    if (sendTime != null) {
      latency.record(clock.epochMicros() - Long.parseLong(sendTime));
    }
  }

  /** Record {@code n} came out as it should, for the first time. */
  private void accountFor(int n) {
    accountedFor.set(n);
    if (outstanding != null && outstanding.get(n)) {
      outstanding.clear(n);
      outstandingCount = outstandingCount - 1; // this thread is the only writer
    }
  }

  /** The run's record number encoded in {@code key}, or -1 when the key is not this run's. */
  private long recordNumber(byte[] key) {
    if (key == null) {
      return -1;
    }
    String text = new String(key, StandardCharsets.UTF_8);
    if (!text.startsWith(keyPrefix)) {
      return -1;
    }
    try {
      long n = Long.parseLong(text.substring(keyPrefix.length()));
      return n >= 0 && n < Integer.MAX_VALUE ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
  }
}
