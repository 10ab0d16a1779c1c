package dev.digitstream.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures throughput the way the stream application runs: {@code workers} threads, each with its
 * own {@link BatchClassifier} (or matrices), and one ND4J thread each. Every worker warms up, then
 * all start measuring together.
 */
public final class Throughput {

  /** Side of the square matrices of {@link #gemmFlopsPerSecond}. */
  public static final int GEMM_SIZE = 1024;

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
    return perSecond(
        workers,
        worker -> {
          BatchClassifier classifier = new BatchClassifier(model, batch);
          List<byte[]> inputs = new ArrayList<>(batch);
          int[] next = {worker * 997 % images.size()};
          return () -> {
            inputs.clear();
            for (int i = 0; i < batch; i++) {
              inputs.add(images.get(next[0]));
              next[0] = (next[0] + 1) % images.size();
            }
            classifier.classify(inputs);
            return batch;
          };
        },
        warmUp,
        measure);
  }

  /**
   * The machine's FP32 matrix-multiply rate in this layout: each worker multiplies its own
   * 1024x1024 matrices with ND4J's matmul (oneDNN where the natives have it), which is the limit
   * any convolution or dense layer can approach.
   *
   * @return floating-point operations per second of all workers together (2 per multiply-add)
   */
  public static double gemmFlopsPerSecond(int workers, Duration warmUp, Duration measure)
      throws InterruptedException, ExecutionException {
    long flopsPerCall = 2L * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE;
    return perSecond(
        workers,
        worker -> {
          INDArray a = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
          INDArray b = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
          INDArray c = Nd4j.create(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
          return () -> {
            Nd4j.exec(new Mmul(a, b, c, null));
            return flopsPerCall;
          };
        },
        warmUp,
        measure);
  }

  /** A worker's set-up, run on its own thread; returns one step, which reports the work it did. */
  private interface Worker {
    LongSupplier setUp(int worker);
  }

  private static double perSecond(int workers, Worker worker, Duration warmUp, Duration measure)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CyclicBarrier start = new CyclicBarrier(workers);
      List<Future<Long>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int index = w;
        Callable<Long> run =
            () -> {
              LongSupplier step = worker.setUp(index);
              long warmUpEnd = System.nanoTime() + warmUp.toNanos();
              long end = Long.MAX_VALUE;
              long work = 0;
              boolean measuring = false;
              while (System.nanoTime() < end) {
                long stepWork = step.getAsLong();
                if (measuring) {
                  work += stepWork;
                } else if (System.nanoTime() >= warmUpEnd) {
                  start.await();
                  measuring = true;
                  end = System.nanoTime() + measure.toNanos();
                }
              }
              return work;
            };
        done.add(pool.submit(run));
      }
      long total = 0;
      for (Future<Long> work : done) {
        total += work.get();
      }
      return total / (measure.toNanos() / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
