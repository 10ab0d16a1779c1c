package dev.digitstream.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures classifier throughput the way the stream application runs it: {@code workers} threads,
 * each with its own {@link BatchClassifier}, classifying full batches. Every worker warms up, then
 * all start measuring together.
 */
public final class Throughput {

  private Throughput() {}

  /**
   * @param images the images to cycle through (each of 784 bytes)
   * @return images classified per second by all workers together during {@code measure}
   */
  public static double imagesPerSecond(
      LoadedModel model,
      List<byte[]> images,
      int workers,
      int batch,
      Duration warmUp,
      Duration measure)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CyclicBarrier start = new CyclicBarrier(workers);
      List<Future<Long>> counts = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int offset = w * 997 % images.size();
        counts.add(
            pool.submit(
                () -> {
                  BatchClassifier classifier = new BatchClassifier(model, batch);
                  List<byte[]> inputs = new ArrayList<>(batch);
                  int next = offset;
                  long warmUpEnd = System.nanoTime() + warmUp.toNanos();
                  long end = Long.MAX_VALUE;
                  long classified = 0;
                  boolean measuring = false;
                  while (System.nanoTime() < end) {
                    inputs.clear();
                    for (int i = 0; i < batch; i++) {
                      inputs.add(images.get(next));
                      next = (next + 1) % images.size();
                    }
                    classifier.classify(inputs);
                    if (measuring) {
                      classified += batch;
                    } else if (System.nanoTime() >= warmUpEnd) {
                      start.await();
                      measuring = true;
                      end = System.nanoTime() + measure.toNanos();
                    }
                  }
                  return classified;
                }));
      }
      long total = 0;
      for (Future<Long> count : counts) {
        total += count.get();
      }
      return total / (measure.toNanos() / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
