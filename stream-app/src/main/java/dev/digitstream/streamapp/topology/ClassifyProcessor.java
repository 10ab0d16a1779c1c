package dev.digitstream.streamapp.topology;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.model.Triage;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.FlushReason;
import dev.digitstream.streamapp.batching.PredictionSink;
import dev.digitstream.streamapp.batching.ThreadBatcher;
import dev.digitstream.streamapp.metrics.AppMetrics;
import dev.digitstream.streamapp.review.ReviewPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per stream task. Invalid records go straight to the dead-letter topic. A valid record is kept
 * in memory and added to its thread's shared batch; its prediction, or its review request when
 * triage did not accept it and review is on, is emitted from this task's own context. A record ends
 * in exactly one of the predictions, review and dead-letter topics.
 *
 * <p>Why this is crash-safe: at the start of every commit ({@link CommitCounter}), and when the
 * task closes, the records still awaiting their prediction are written to the task's changelogged
 * pending store; Kafka Streams then commits the task's input offsets together with that changelog
 * (atomically under exactly-once, after flushing every send under at-least-once). A record whose
 * offset is committed is therefore either already predicted or in the store, and a restarted
 * instance restores the store and classifies what it finds there. A record predicted between two
 * commits never touches the store: most do not, which saves the store's writes, deletes and their
 * changelog records (BENCHMARKS.md, "Where the app's CPU goes"). A stored entry is deleted when its
 * prediction is emitted.
 *
 * <p>Under at-least-once that delete must wait: its tombstone and the prediction go to different
 * partitions, and the tombstone may be acknowledged first. A stored entry's input offset may be
 * committed, so its entry is deleted only once a commit has flushed its prediction.
 *
 * <p>Model swaps: replicas follow a decision within moments of each other, and a task that moves in
 * that moment could go from a replica that swapped to one that has not yet, and back. So each task
 * records, in a changelogged store, the latest decision its predictions were computed by; a
 * prediction computed by an earlier decision is not emitted but held, and its record classified
 * again once this replica serves that decision. On each partition, versions therefore change once
 * per decision, never back and forth. A replica that cannot serve the decision (it refused the
 * version) stops holding after {@link #HOLD_LIMIT_MS} and serves on, with a warning: a stall would
 * be worse.
 *
 * <p>The task checks its thread's batch on a wall-clock punctuation after {@link #init} and then
 * only while it has records in flight, to emit, held or awaiting a commit: Kafka Streams commits a
 * task after each of its punctuations, and an idle task would otherwise commit up to every commit
 * interval.
 *
 * <p>Kafka Streams may close and re-initialise this same instance (a revived task); {@link #init}
 * starts from a clean slate and the restored store is re-queued on first use.
 */
final class ClassifyProcessor implements Processor<byte[], byte[], byte[], byte[]>, PredictionSink {

  private static final Logger LOG = LoggerFactory.getLogger(ClassifyProcessor.class);
  private static final int MAX_ERROR_DETAIL = 1_000;

  private record Emitted(long sequence, long commit) {}

  private record Ready(
      long sequence,
      Prediction prediction,
      Triage triage,
      Triage.Assessment assessment,
      long decision) {}

  /** How long a task holds predictions computed by an earlier decision than it has seen. */
  static final long HOLD_LIMIT_MS = 30_000;

  /** The key of this task's one entry in its {@link TopologyFactory#DECISION_STORE}. */
  private static final int DECISION_KEY = 0;

  private final Batchers batchers;
  private final AppMetrics metrics;
  private final long tickMs;
  private final boolean atLeastOnce;
  private final DeadLetters deadLetters;
  private final RecordSizeLimit limit;
  private final ArrayDeque<Ready> ready = new ArrayDeque<>();
  private final ArrayDeque<Long> held = new ArrayDeque<>();
  private final ArrayDeque<Emitted> awaitingCommit = new ArrayDeque<>();

  /**
   * The records in the batch or computed and not yet emitted, by sequence number; emitting takes
   * them from here, never from the store.
   */
  private final Map<Long, PendingRecord> inFlight = new HashMap<>();

  /** The sequence numbers that have an entry in the pending store. */
  private final Set<Long> inStore = new HashSet<>();

  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<Long, PendingRecord> store;
  private CommitCounter commits;
  private KeyValueStore<Integer, Long> decisions;
  private long decisionSeen;
  private long heldSinceMs = -1;
  private Cancellable punctuation;
  private ThreadBatcher batcher;
  private long nextSequence;
  private long awaitingHere;
  private long lastCommitSeen;

  ClassifyProcessor(
      Batchers batchers,
      AppMetrics metrics,
      long tickMs,
      boolean atLeastOnce,
      RecordSizeLimit limit) {
    this.batchers = batchers;
    this.metrics = metrics;
    this.tickMs = tickMs;
    this.atLeastOnce = atLeastOnce;
    this.limit = limit;
    this.deadLetters = new DeadLetters(limit);
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(TopologyFactory.PENDING_STORE);
    this.commits = context.getStateStore(TopologyFactory.COMMIT_COUNTER);
    this.decisions = context.getStateStore(TopologyFactory.DECISION_STORE);
    Long seen = decisions.get(DECISION_KEY);
    this.decisionSeen = seen == null ? 0 : seen;
    this.held.clear();
    this.heldSinceMs = -1;
    this.batcher = null;
    this.nextSequence = 0;
    this.lastCommitSeen = commits.commits();
    this.commits.beforeCommit(this::storeInFlight);
    this.punctuation = schedule(); // the first tick re-queues what the restored store holds
  }

  private Cancellable schedule() {
    return context.schedule(Duration.ofMillis(tickMs), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  /** Nothing in flight, to emit, held or awaiting a commit: until a record arrives, no ticks. */
  private boolean idle() {
    return inFlight.isEmpty() && ready.isEmpty() && held.isEmpty() && awaitingCommit.isEmpty();
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    joinBatcher();
    settleCommitted();
    metrics.flow().recordIn();
    long sequence = admit(record);
    if (sequence >= 0) {
      batcher.add(this, sequence, record.value(), labelOf(record.headers()));
    }
    emitReady();
    if (punctuation == null && !idle()) {
      punctuation = schedule();
    }
  }

  /**
   * Stores a valid record and returns its sequence number, or dead-letters it and returns -1. An
   * unexpected exception here concerns this one record: it is dead-lettered as {@code
   * processing-error} instead of stopping the thread on every restart. Kafka's own exceptions (a
   * fenced producer, a migrated task) are not about the record and propagate.
   */
  private long admit(Record<byte[], byte[]> record) {
    try {
      Header label = record.headers().lastHeader(HeaderNames.LABEL);
      byte[] labelValue =
          label == null ? null : label.value() == null ? new byte[0] : label.value();
      Optional<InvalidReason> invalid = ImageRecord.check(record.value(), labelValue);
      if (invalid.isPresent()) {
        deadLetter(record, invalid.get(), detail(record, invalid.get()));
        return -1;
      }
      PendingRecord pending =
          new PendingRecord(record.key(), record.value(), record.headers(), record.timestamp());
      Header[] headers = record.headers().toArray();
      if (!limit.predictionFits(record.key(), headers)
          || !limit.pendingEntryFits(pending.serializedSize())) {
        deadLetter(
            record,
            InvalidReason.TOO_LARGE,
            "its prediction or pending-store entry would exceed the "
                + limit.maxBytes()
                + "-byte record limit");
        return -1;
      }
      long sequence = nextSequence++;
      inFlight.put(sequence, pending);
      awaiting(1);
      return sequence;
    } catch (KafkaException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("record at {} dead-lettered: processing failed", context.recordMetadata(), e);
      String message = e.getClass().getName() + ": " + e.getMessage();
      deadLetter(
          record,
          InvalidReason.PROCESSING_ERROR,
          message.substring(0, Math.min(message.length(), MAX_ERROR_DETAIL)));
      return -1;
    }
  }

  private void tick(long timestamp) {
    joinBatcher();
    settleCommitted();
    requeueHeld();
    if (batchers.draining()) {
      batcher.flush(FlushReason.SHUTDOWN);
      if (atLeastOnce && !awaitingCommit.isEmpty()) {
        context.commit(); // settle the deferred deletes before the stop, not 30 s later
      }
    } else {
      batcher.flushIfDue();
    }
    emitReady();
    if (idle()) {
      // see the class comment; this last punctuation still asks for the commit that writes what
      // this tick deleted
      punctuation.cancel();
      punctuation = null;
    }
  }

  /**
   * On first use after (re)initialisation, takes this thread's batcher and re-queues whatever the
   * restored store still holds: records whose offsets were committed before their predictions were.
   */
  private void joinBatcher() {
    if (batcher != null) {
      return;
    }
    batcher = batchers.forCurrentThread();
    long restored = 0;
    try (KeyValueIterator<Long, PendingRecord> pending = store.all()) {
      while (pending.hasNext()) {
        KeyValue<Long, PendingRecord> entry = pending.next();
        nextSequence = Math.max(nextSequence, entry.key + 1);
        inStore.add(entry.key);
        batch(entry.key, entry.value);
        restored++;
      }
    }
    awaiting(restored);
    metrics.flow().restored(restored);
  }

  @Override
  public void accept(
      long sequence,
      Prediction prediction,
      Triage triage,
      Triage.Assessment assessment,
      long decision) {
    ready.add(new Ready(sequence, prediction, triage, assessment, decision));
    batchers.unsettled().incrementAndGet();
  }

  /**
   * Whether a prediction computed by {@code decision} must wait: this partition has seen a later
   * one, and has not waited {@link #HOLD_LIMIT_MS} for this replica to follow it.
   */
  private boolean mustHold(long decision, long now) {
    if (decision >= decisionSeen) {
      heldSinceMs = -1;
      return false;
    }
    if (heldSinceMs < 0) {
      heldSinceMs = now;
      LOG.info(
          "partition {}: holding predictions of decision {} until this replica follows decision {}",
          context.taskId(),
          decision,
          decisionSeen);
    }
    if (now - heldSinceMs < HOLD_LIMIT_MS) {
      return true;
    }
    if (held.isEmpty()) {
      LOG.warn(
          "partition {}: this replica still serves decision {} after {} ms, behind decision {} that"
              + " the partition has seen; serving on with it",
          context.taskId(),
          decision,
          HOLD_LIMIT_MS,
          decisionSeen);
    }
    return false;
  }

  /** Classifies the held records again once this replica serves the partition's decision. */
  private void requeueHeld() {
    if (held.isEmpty()) {
      return;
    }
    long now = batchers.nowMs();
    if (batchers.serving().decision() < decisionSeen && now - heldSinceMs < HOLD_LIMIT_MS) {
      return;
    }
    Long sequence;
    while ((sequence = held.poll()) != null) {
      batch(sequence, store.get(sequence));
    }
  }

  private void batch(long sequence, PendingRecord pending) {
    inFlight.put(sequence, pending);
    batcher.add(this, sequence, pending.value(), labelOf(pending.headers()));
  }

  private void emitReady() {
    if (ready.isEmpty()) {
      return;
    }
    long now = batchers.nowMs();
    Ready done;
    while ((done = ready.poll()) != null) {
      PendingRecord pending = inFlight.remove(done.sequence());
      if (pending == null) {
        throw new IllegalStateException("no pending record for sequence " + done.sequence());
      }
      if (mustHold(done.decision(), now)) {
        store(done.sequence(), pending); // re-read from the store when this replica follows
        held.add(done.sequence());
        batchers.unsettled().decrementAndGet();
        continue;
      }
      if (done.decision() > decisionSeen) {
        decisionSeen = done.decision();
        decisions.put(DECISION_KEY, decisionSeen);
      }
      Prediction prediction = done.prediction();
      Headers headers = new RecordHeaders(pending.headers().toArray());
      headers.remove(HeaderNames.MODEL_VERSION);
      headers.add(
          HeaderNames.MODEL_VERSION, prediction.modelVersion().getBytes(StandardCharsets.US_ASCII));
      boolean review = done.assessment() != null && !done.assessment().accepted();
      if (review) {
        byte[] value =
            PredictionCodec.encode(
                ReviewPolicy.request(
                    done.triage(), done.assessment(), prediction, pending.value()));
        context.forward(
            new Record<>(pending.key(), value, pending.timestamp(), headers),
            TopologyFactory.REVIEW_SINK);
        metrics.flow().reviewOut(now - pending.timestamp());
      } else {
        context.forward(
            new Record<>(
                pending.key(), PredictionCodec.encode(prediction), pending.timestamp(), headers),
            TopologyFactory.PREDICTIONS_SINK);
        metrics.flow().predictionOut(now - pending.timestamp());
      }
      if (!inStore.remove(done.sequence())) {
        settled();
      } else if (atLeastOnce) {
        awaitingCommit.add(new Emitted(done.sequence(), lastCommitSeen));
      } else {
        delete(done.sequence());
      }
      int actual = labelOf(pending.headers());
      metrics.accuracy().prediction(prediction.label(), prediction.confidence(), actual);
      if (done.assessment() != null) {
        metrics.review().triaged(done.assessment(), review, prediction.label(), actual);
      }
    }
  }

  /**
   * Notes a commit since the last look: predictions emitted before it are acknowledged, so their
   * entries can go.
   */
  private void settleCommitted() {
    long count = commits.commits();
    if (count == lastCommitSeen) {
      return;
    }
    lastCommitSeen = count;
    while (!awaitingCommit.isEmpty() && awaitingCommit.peek().commit() < count) {
      delete(awaitingCommit.poll().sequence());
    }
  }

  /**
   * Writes the records awaiting their prediction that the store does not hold yet to it: at the
   * start of every commit, and when the task closes.
   */
  private void storeInFlight() {
    inFlight.forEach(this::store);
  }

  private void store(long sequence, PendingRecord pending) {
    if (inStore.add(sequence)) {
      store.put(sequence, pending);
    }
  }

  private void delete(long sequence) {
    store.delete(sequence);
    settled();
  }

  /** A record's prediction is emitted and its store entry, if it had one, deleted. */
  private void settled() {
    awaiting(-1);
    batchers.unsettled().decrementAndGet();
  }

  /** Counts records awaiting their prediction, for the {@code pending.stored} gauge. */
  private void awaiting(long delta) {
    awaitingHere += delta;
    batchers.stored().addAndGet(delta);
  }

  private static int labelOf(Headers headers) {
    Header label = headers.lastHeader(HeaderNames.LABEL);
    return label == null ? -1 : ImageRecord.parseLabel(label.value());
  }

  private void deadLetter(Record<byte[], byte[]> record, InvalidReason reason, String detail) {
    DeadLetters.DeadLetter letter =
        deadLetters.of(record, reason, detail, context.recordMetadata());
    context.forward(letter.record(), TopologyFactory.DEAD_LETTER_SINK);
    metrics.flow().deadLettered(letter.reason());
  }

  private static String detail(Record<byte[], byte[]> record, InvalidReason reason) {
    return reason == InvalidReason.WRONG_LENGTH
        ? reason.description() + " (got " + record.value().length + ")"
        : reason.description();
  }

  /**
   * The task is closed (migrated, revived or shut down): the records awaiting their prediction are
   * stored first (the commit that follows a clean close comes after this), then the batch entries
   * and computed predictions are dropped here and recomputed from the store by whoever runs the
   * task next.
   */
  @Override
  public void close() {
    try {
      commits.beforeCommit(() -> {});
      storeInFlight();
    } finally {
      if (punctuation != null) {
        punctuation.cancel();
        punctuation = null;
      }
      if (batcher != null) {
        batcher.forget(this);
        batcher = null;
      }
      batchers.unsettled().addAndGet(-(ready.size() + awaitingCommit.size()));
      ready.clear();
      inFlight.clear();
      inStore.clear();
      awaitingCommit.clear();
      held.clear(); // in the store: whoever runs the task next classifies them
      batchers.stored().addAndGet(-awaitingHere);
      awaitingHere = 0;
    }
  }
}
