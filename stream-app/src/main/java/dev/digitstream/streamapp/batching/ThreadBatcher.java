package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The pending micro-batch of one stream thread, shared by all the tasks (partitions) that thread
 * runs, so that batches fill even when the input has many partitions. Owns the thread's model copy,
 * and takes a copy of a newly served model at the next batch boundary. Only its own stream thread
 * may call it, except {@link #pending()}.
 */
public final class ThreadBatcher {

  private record Entry(PredictionSink owner, long sequence, byte[] image) {}

  private final Supplier<ModelGeneration> served;
  private ModelGeneration generation;
  private BatchClassifier classifier;
  private final int maxSize;
  private final long maxDelayMs;
  private final BatchMetrics metrics;
  private final List<Entry> entries;
  private final List<byte[]> images;
  private final AtomicInteger pending = new AtomicInteger();
  private final LongSupplier monotonicMs;
  private long oldestMs;

  /**
   * @param served the model served now, looked at before each batch
   * @param monotonicMs a monotonic clock in milliseconds, read afresh on each call: a wall clock
   *     stepped back would hold delay flushes until it caught up
   */
  public ThreadBatcher(
      Supplier<ModelGeneration> served,
      long maxDelayMs,
      BatchMetrics metrics,
      LongSupplier monotonicMs) {
    this.served = served;
    this.generation = served.get();
    this.classifier = generation.take();
    this.monotonicMs = monotonicMs;
    this.maxSize = classifier.maxBatch();
    this.maxDelayMs = maxDelayMs;
    this.metrics = metrics;
    this.entries = new ArrayList<>(maxSize);
    this.images = new ArrayList<>(maxSize);
  }

  /** Adds an image; runs the batch when it is full. */
  public void add(PredictionSink owner, long sequence, byte[] image) {
    if (entries.isEmpty()) {
      // Not the stream thread's cached time (ProcessorContext.currentSystemTimeMs): Kafka Streams
      // refreshes it once per poll loop, so after a batch has run it lags by that inference, and
      // a batch stamped with it looked overdue at the next tick and ran nearly empty (half of all
      // batches did while draining a backlog).
      oldestMs = monotonicMs.getAsLong();
    }
    entries.add(new Entry(owner, sequence, image));
    pending.incrementAndGet();
    if (entries.size() >= maxSize) {
      flush(FlushReason.SIZE);
    }
  }

  /** Runs the batch if its oldest image has waited the maximum delay. */
  public void flushIfDue() {
    if (!entries.isEmpty() && monotonicMs.getAsLong() - oldestMs >= maxDelayMs) {
      flush(FlushReason.DELAY);
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
      ModelGeneration now = served.get();
      if (now != generation) { // a new model: switch at this batch boundary
        generation = now;
        classifier = now.take();
      }
      BatchClassifier.Result result = classifier.classify(images);
      metrics.batch(reason, entries.size(), result);
      List<Prediction> predictions = result.predictions();
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        e.owner().accept(e.sequence(), predictions.get(i));
      }
    } finally {
      pending.addAndGet(-entries.size());
      entries.clear();
      images.clear();
    }
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
