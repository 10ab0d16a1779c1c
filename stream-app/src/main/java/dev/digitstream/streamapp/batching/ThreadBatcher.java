package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Triage;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.streamapp.review.DriftMonitor;
import dev.digitstream.streamapp.review.ReviewPolicy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending micro-batch of one stream thread, shared by all the tasks (partitions) that thread
 * runs, so that batches fill even when the input has many partitions. Owns the thread's model copy,
 * and takes a copy of a newly served model at the next batch boundary. Only its own stream thread
 * may call it, except {@link #pending()}.
 */
public final class ThreadBatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadBatcher.class);

  private record Entry(PredictionSink owner, long sequence, byte[] image, int label) {}

  /** No image in the batch can still make the latency target. */
  private static final long NONE_IN_TIME = Long.MAX_VALUE;

  private final Supplier<Serving> served;
  private final Supplier<Shadow> shadowed;
  private final ReviewPolicy review;
  private final DriftMonitor drift;
  private ModelGeneration generation;
  private BatchClassifier classifier;
  private Triage triage;
  private ModelGeneration replaced;
  private Shadow shadow;
  private BatchClassifier shadowClassifier;
  private Shadow failedShadow;
  private double shadowCredit;

  /** This thread's copies of the models it serves and scores: a promotion reuses them. */
  private final Map<ModelGeneration, BatchClassifier> copies = new IdentityHashMap<>();

  private final int maxSize;
  private final FlushPolicy policy;
  private final BatchMetrics metrics;
  private final List<Entry> entries;
  private final List<byte[]> images;
  private final int[] predicted;
  private final double[] confidences;
  private final boolean[] outOfDistribution;
  private final AtomicInteger pending = new AtomicInteger();
  private final LongSupplier monotonicMs;
  private final LongSupplier wallClockMs;
  private long oldestMs;

  /** The earliest input timestamp of the images that can still make the latency target. */
  private long oldestInTimeMs = NONE_IN_TIME;

  /**
   * @param served the model served now and its decision, looked at before each batch
   * @param shadowed the version scored in shadow now (null for none), looked at before each batch
   * @param review which predictions go to review: each served model's triage; when off, nothing is
   *     assessed (no triage or drift figures either)
   * @param drift where each batch's triage is counted
   * @param monotonicMs a monotonic clock in milliseconds, read afresh on each call: a wall clock
   *     stepped back would hold delay flushes until it caught up
   * @param wallClockMs the clock of the images' input timestamps, for the latency target
   */
  public ThreadBatcher(
      Supplier<Serving> served,
      Supplier<Shadow> shadowed,
      BatchTiming timing,
      BatchMetrics metrics,
      ReviewPolicy review,
      DriftMonitor drift,
      LongSupplier monotonicMs,
      LongSupplier wallClockMs) {
    this.served = served;
    this.shadowed = shadowed;
    this.review = review;
    this.drift = drift;
    this.generation = served.get().generation();
    this.classifier = copyOf(generation);
    this.triage = review.triageFor(generation.metadata());
    this.monotonicMs = monotonicMs;
    this.wallClockMs = wallClockMs;
    this.maxSize = classifier.maxBatch();
    this.policy = new FlushPolicy(maxSize, timing);
    this.metrics = metrics;
    this.entries = new ArrayList<>(maxSize);
    this.images = new ArrayList<>(maxSize);
    this.predicted = new int[maxSize];
    this.confidences = new double[maxSize];
    this.outOfDistribution = new boolean[maxSize];
  }

  /**
   * Adds an image; runs the batch when it is full, or due by the latency target.
   *
   * @param label the image's label (0-9), or -1 when it has none
   * @param timestampMs the image's input timestamp (the record's), from which the latency target
   *     counts
   */
  public void add(PredictionSink owner, long sequence, byte[] image, int label, long timestampMs) {
    if (entries.isEmpty()) {
      // Not the stream thread's cached time (ProcessorContext.currentSystemTimeMs): Kafka Streams
      // refreshes it once per poll loop, so after a batch has run it lags by that inference, and
      // a batch stamped with it looked overdue at the next tick and ran nearly empty (half of all
      // batches did while draining a backlog).
      oldestMs = monotonicMs.getAsLong();
    }
    entries.add(new Entry(owner, sequence, image, label));
    pending.incrementAndGet();
    long now = wallClockMs.getAsLong();
    long ageMs = Math.max(0, now - timestampMs); // a producer clock ahead of ours: age 0
    if (policy.inTime(ageMs)) {
      oldestInTimeMs = Math.min(oldestInTimeMs, now - ageMs);
    }
    if (entries.size() >= policy.sizeCap(oldestInTimeMs != NONE_IN_TIME)) {
      flush(FlushReason.SIZE);
    } else if (oldestInTimeMs != NONE_IN_TIME) {
      flushIfDue();
    }
  }

  /** Runs the batch if its oldest image has waited the maximum delay, or by the latency target. */
  public void flushIfDue() {
    if (entries.isEmpty()) {
      return;
    }
    long oldestAgeMs =
        oldestInTimeMs == NONE_IN_TIME ? -1 : wallClockMs.getAsLong() - oldestInTimeMs;
    if (policy.due(entries.size(), monotonicMs.getAsLong() - oldestMs, oldestAgeMs)) {
      flush(oldestAgeMs < 0 ? FlushReason.DELAY : FlushReason.TARGET);
    }
  }

  /**
   * Runs the batch now, whatever its size; the predictions go to each image's owner. The batch is
   * emptied even when inference throws: its images stay in their tasks' pending stores, and the
   * exception (not about one record) stops the thread, so they are classified after the restart
   * instead of wedging this batch.
   */
  public void flush(FlushReason reason) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      images.clear();
      for (Entry e : entries) {
        images.add(e.image());
      }
      Serving now = served.get();
      if (now.generation() != generation) { // a new model: switch at this batch boundary
        replaced = generation;
        generation = now.generation();
        classifier = copyOf(generation);
        triage = review.triageFor(generation.metadata());
      }
      long start = System.nanoTime();
      BatchClassifier.Result result = classifier.classify(images);
      policy.observed(entries.size(), System.nanoTime() - start);
      metrics.batch(reason, entries.size(), result);
      List<Prediction> predictions = result.predictions();
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        Prediction prediction = predictions.get(i);
        Triage.Assessment assessment = null;
        if (review.enabled()) {
          assessment = triage.assess(e.image(), prediction.probabilities());
          predicted[i] = prediction.label();
          confidences[i] = assessment.confidence();
          outOfDistribution[i] = assessment.reason() == Triage.Reason.OUT_OF_DISTRIBUTION;
        }
        e.owner().accept(e.sequence(), prediction, triage, assessment, now.decision());
      }
      if (review.enabled()) {
        drift.record(
            generation.metadata().driftBaseline(),
            predicted,
            confidences,
            outOfDistribution,
            entries.size());
      }
      scoreInShadow(predictions);
    } finally {
      pending.addAndGet(-entries.size());
      entries.clear();
      images.clear();
      oldestInTimeMs = NONE_IN_TIME;
    }
  }

  /**
   * Runs the version in shadow on the batch just classified, if there is one for the model that
   * computed it, and counts how the two did; its predictions go nowhere.
   */
  private void scoreInShadow(List<Prediction> predictions) {
    Shadow now = shadowed.get();
    if (now == null && shadow != null) { // out of shadow: let this thread's copy of it go
      shadow = null;
      shadowClassifier = null;
      failedShadow = null;
      letGoOfUnusedCopies();
    }
    if (now == null || now == failedShadow || !now.score().serving().equals(generation.version())) {
      return;
    }
    shadowCredit += now.share(); // runs on every batch at share 1, every 4th at 0.25
    if (shadowCredit < 1) {
      return;
    }
    shadowCredit -= 1;
    try {
      score(now, predictions);
    } catch (RuntimeException e) { // a model in shadow must never stop serving
      failedShadow = now;
      LOG.warn(
          "model {} in shadow failed on this thread; no longer scored here",
          now.score().version(),
          e);
    }
  }

  private void score(Shadow now, List<Prediction> predictions) {
    if (now != shadow) { // a new version in shadow: take its copy at this batch boundary
      shadow = now;
      shadowClassifier = copyOf(now.generation());
    }
    int[] labels = new int[entries.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = entries.get(i).label();
    }
    long start = System.nanoTime();
    List<Prediction> shadowPredictions = shadowClassifier.classify(images).predictions();
    long nanos = System.nanoTime() - start;
    now.score().batch(predictions, shadowPredictions, labels, nanos);
    metrics.shadowBatch(nanos, predictions, shadowPredictions);
  }

  /**
   * This thread's copy of {@code model}: the one it already holds when the model served or scored
   * before (a promoted shadow, a replaced model back in shadow for its successor's probation or
   * served again after a rollback), else a new one. Copies of models neither served, replaced last,
   * nor scored are let go.
   */
  private BatchClassifier copyOf(ModelGeneration model) {
    BatchClassifier copy = copies.computeIfAbsent(model, ModelGeneration::take);
    letGoOfUnusedCopies();
    return copy;
  }

  /** Keeps the copies of the model served, the one replaced last and the one in shadow only. */
  private void letGoOfUnusedCopies() {
    copies
        .keySet()
        .removeIf(
            g -> g != generation && g != replaced && (shadow == null || g != shadow.generation()));
  }

  /**
   * Drops the images of an owner that goes away (its task is closed or migrates); they remain in
   * that task's changelogged store, and whoever owns the task next classifies them.
   */
  public void forget(PredictionSink owner) {
    int before = entries.size();
    entries.removeIf(e -> e.owner() == owner);
    pending.addAndGet(entries.size() - before);
    if (entries.isEmpty()) {
      oldestInTimeMs = NONE_IN_TIME;
    }
  }

  /** Images waiting for inference; safe to read from any thread. */
  public int pending() {
    return pending.get();
  }
}
