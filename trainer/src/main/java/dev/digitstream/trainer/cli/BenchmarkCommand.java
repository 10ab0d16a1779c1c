package dev.digitstream.trainer.cli;

import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.contract.mnist.MnistData;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trainer benchmark}: classifier throughput by batch size and worker threads, each worker
 * with its own {@link BatchClassifier} and one ND4J thread (the layout the stream application
 * uses). All combinations run in one process, one after the other, so their ratios are fair.
 */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    description =
        "Measures classifier throughput (images/s) and batch latency on MNIST test images.")
public final class BenchmarkCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description = "A model.zip, a run folder, or a folder of runs (the newest is taken).")
  Path model;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "1,8,32,128",
      description = "Default: ${DEFAULT-VALUE}.")
  int[] batchSizes;

  @Option(
      names = "--workers",
      split = ",",
      defaultValue = "1,2",
      description = "Worker threads, each with its own model copy. Default: ${DEFAULT-VALUE}.")
  int[] workers;

  @Option(
      names = "--seconds",
      defaultValue = "5",
      description =
          "Measured seconds per combination, after 1 s of warm-up. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--data-dir", description = "MNIST folder. Default: $MNIST_DIR, else data/mnist.")
  Path dataDir;

  private final Console console;
  private final Map<String, String> env;

  public BenchmarkCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    for (int b : batchSizes) {
      if (b < 1 || b > 4096) {
        throw new ParameterException(spec.commandLine(), "--batch-sizes must be 1 to 4096");
      }
    }
    for (int w : workers) {
      if (w < 1 || w > 256) {
        throw new ParameterException(spec.commandLine(), "--workers must be 1 to 256");
      }
    }
    if (!(seconds > 0)) {
      throw new ParameterException(spec.commandLine(), "--seconds must be positive");
    }
    Nd4jRuntime.configure(1);
    LoadedModel loaded = ModelFiles.load(ModelFiles.resolve(model));
    LabelledImages images = MnistData.fromOptions(dataDir, env).test();
    console.printf("%8s %8s %12s %14s%n", "workers", "batch", "images/s", "ms/batch (mean)");
    for (int w : workers) {
      for (int b : batchSizes) {
        double rate = measure(loaded, images, w, b);
        console.printf("%8d %8d %,12.0f %14.2f%n", w, b, rate, 1000.0 * b * w / rate);
      }
    }
    return 0;
  }

  /** Images per second of {@code workers} threads classifying batches of {@code batch}. */
  private double measure(LoadedModel loaded, LabelledImages images, int workers, int batch)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CyclicBarrier start = new CyclicBarrier(workers);
      List<Future<Long>> counts = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int offset = w * 997;
        counts.add(
            pool.submit(
                () -> {
                  BatchClassifier classifier = new BatchClassifier(loaded, batch);
                  List<byte[]> inputs = new ArrayList<>(batch);
                  int next = offset;
                  long warmUpEnd = System.nanoTime() + 1_000_000_000L;
                  long end = Long.MAX_VALUE;
                  long classified = 0;
                  boolean measuring = false;
                  while (System.nanoTime() < end) {
                    inputs.clear();
                    for (int i = 0; i < batch; i++) {
                      inputs.add(images.image(next));
                      next = (next + 1) % images.count();
                    }
                    classifier.classify(inputs);
                    if (measuring) {
                      classified += batch;
                    } else if (System.nanoTime() >= warmUpEnd) {
                      start.await();
                      measuring = true;
                      end = System.nanoTime() + (long) (seconds * 1e9);
                    }
                  }
                  return classified;
                }));
      }
      long total = 0;
      for (Future<Long> count : counts) {
        total += count.get();
      }
      return total / seconds;
    } finally {
      pool.shutdownNow();
    }
  }
}
