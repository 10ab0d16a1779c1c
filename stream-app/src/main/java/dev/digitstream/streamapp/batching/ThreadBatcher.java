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
  private long oldestMs;

  /**
   * @param served the model served now and its decision, looked at before each batch
   * @param shadowed the version scored in shadow now (null for none), looked at before each batch
   * @param review which predictions go to review: each served model's triage; when off, nothing is
   *     assessed (no triage or drift figures either)
   * @param drift where each batch's triage is counted
   * @param monotonicMs a monotonic clock in milliseconds, read afresh on each call: a wall clock
   *     stepped back would hold delay flushes until it caught up
   */
  public ThreadBatcher(
      Supplier<Serving> served,
      Supplier<Shadow> shadowed,
      BatchTiming timing,
      BatchMetrics metrics,
      ReviewPolicy review,
      DriftMonitor drift,
      LongSupplier monotonicMs) {
    this.served = served;
    this.shadowed = shadowed;
    this.review = review;
    this.drift = drift;
    this.generation = served.get().generation();
    this.classifier = copyOf(generation);
    this.triage = review.triageFor(generation.metadata());
    this.monotonicMs = monotonicMs;
    this.maxSize = classifier.maxBatch();
    this.policy = new FlushPolicy(maxSize, timing, monotonicMs.getAsLong());
    this.metrics = metrics;
    this.entries = new ArrayList<>(maxSize);
    this.images = new ArrayList<>(maxSize);
    this.predicted = new int[maxSize];
    this.confidences = new double[maxSize];
    this.outOfDistribution = new boolean[maxSize];
  }

  /**
   * Adds an image; runs the batch when it reaches its size ({@link FlushPolicy#runAt}).
   *
   * @param label the image's label (0-9), or -1 when it has none
   */
  public void add(PredictionSink owner, long sequence, byte[] image, int label) {
    long now = monotonicMs.getAsLong();
    if (entries.isEmpty()) {
      // Not the stream thread's cached time (ProcessorContext.currentSystemTimeMs): Kafka Streams
      // refreshes it once per poll loop, so after a batch has run it lags by that inference, and
      // a batch stamped with it looked overdue at the next tick and ran nearly empty (half of all
      // batches did while draining a backlog).
      oldestMs = now;
    }
    entries.add(new Entry(owner, sequence, image, label));
    pending.incrementAndGet();
    policy.arrived(now);
    if (entries.size() >= policy.runAt()) {
      flush(entries.size() < maxSize ? FlushReason.TARGET : FlushReason.SIZE);
    } else if (policy.targeted()) {
      flushIfDue();
    }
  }

  /** Runs the batch if its first image has waited the maximum delay, or by the latency target. */
  public void flushIfDue() {
    if (!entries.isEmpty() && policy.due(entries.size(), monotonicMs.getAsLong() - oldestMs)) {
      flush(policy.targeted() ? FlushReason.TARGET : FlushReason.DELAY);
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
      long waitedMs = monotonicMs.getAsLong() - oldestMs;
      BatchClassifier.Result result = classifier.classify(images);
      policy.observed(
          entries.size(),
          result.preprocessNanos() + result.inferenceNanos() + result.postprocessNanos(),
          waitedMs,
          monotonicMs.getAsLong());
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
  }

  /** Images waiting for inference; safe to read from any thread. */
  public int pending() {
    return pending.get();
  }
}
