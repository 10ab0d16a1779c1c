package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pending micro-batch of one stream thread, shared by all the tasks (partitions) that thread
 * runs, so that batches fill even when the input has many partitions. Owns the thread's model copy.
 * Only its own stream thread may call it, except {@link #pending()}.
 */
public final class ThreadBatcher {

  private record Entry(PredictionSink owner, long sequence, byte[] image) {}

  /** {@link #oldestMs} of a batch that the next tick will stamp. */
  private static final long UNSTAMPED = Long.MIN_VALUE;

  private final BatchClassifier classifier;
  private final int maxSize;
  private final long maxDelayMs;
  private final BatchMetrics metrics;
  private final List<Entry> entries;
  private final List<byte[]> images;
  private final AtomicInteger pending = new AtomicInteger();
  private long oldestMs;
  private long lastTickMs = Long.MIN_VALUE;
  private boolean stampAtNextTick;

  public ThreadBatcher(BatchClassifier classifier, long maxDelayMs, BatchMetrics metrics) {
    this.classifier = classifier;
    this.maxSize = classifier.maxBatch();
    this.maxDelayMs = maxDelayMs;
    this.metrics = metrics;
    this.entries = new ArrayList<>(maxSize);
    this.images = new ArrayList<>(maxSize);
  }

  /**
   * Adds an image; runs the batch when it is full.
   *
   * @param nowMs the stream thread's cached wall-clock time ({@code
   *     ProcessorContext.currentSystemTimeMs()}), which Kafka Streams refreshes once per poll loop,
   *     not per record
   */
  public void add(PredictionSink owner, long sequence, byte[] image, long nowMs) {
    if (entries.isEmpty()) {
      // After a batch has run, the cached time lags the real one by at least its inference time;
      // a batch stamped with it would look overdue at the next tick and run nearly empty (half of
      // all batches did while draining a backlog). Such a batch is stamped by the next tick, whose
      // time is read fresh.
      oldestMs = stampAtNextTick ? UNSTAMPED : Math.max(nowMs, lastTickMs);
    }
    entries.add(new Entry(owner, sequence, image));
    pending.incrementAndGet();
    if (entries.size() >= maxSize) {
      flush(FlushReason.SIZE);
    }
  }

  /**
   * Runs the batch if its oldest image has waited the maximum delay.
   *
   * @param nowMs the current wall-clock time, read fresh (a wall-clock punctuation's timestamp)
   */
  public void flushIfDue(long nowMs) {
    lastTickMs = nowMs;
    stampAtNextTick = false;
    if (entries.isEmpty()) {
      return;
    }
    if (oldestMs == UNSTAMPED) {
      oldestMs = nowMs;
    } else if (nowMs - oldestMs >= maxDelayMs) {
      flush(FlushReason.DELAY);
    }
  }

  /** Runs the batch now, whatever its size; the predictions go to each image's owner. */
  public void flush(FlushReason reason) {
    if (entries.isEmpty()) {
      return;
    }
    images.clear();
    for (Entry e : entries) {
      images.add(e.image());
    }
    BatchClassifier.Result result = classifier.classify(images);
    metrics.batch(reason, entries.size(), result);
    List<Prediction> predictions = result.predictions();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      e.owner().accept(e.sequence(), predictions.get(i));
    }
    pending.addAndGet(-entries.size());
    entries.clear();
    stampAtNextTick = true;
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
