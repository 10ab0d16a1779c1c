package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.DurationConverter;
import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LeNet;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.Throughput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trainer benchmark}: classifier throughput by batch size and worker threads, each worker
 * with its own {@link BatchClassifier} and one ND4J thread (the layout the stream application
 * uses), and the machine's matrix-multiply limit in the same layouts; the "% of GEMM" column is
 * relative to the best of them. All combinations run in one process, one after the other, so their
 * ratios are fair.
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
      converter = DurationConverter.class,
      description =
          "Measured seconds per combination, after 1 s of warm-up. Default: ${DEFAULT-VALUE}.")
  Duration seconds;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description =
          "Measurements per combination; the median is reported. Default: ${DEFAULT-VALUE}.")
  int repeats;

  @Option(names = "--data-dir", description = "MNIST folder. Default: $MNIST_DIR, else data/mnist.")
  Path dataDir;

  private static final Duration WARM_UP = Duration.ofSeconds(1);

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
    if (seconds.isNegative() || seconds.isZero() || repeats < 1) {
      throw new ParameterException(spec.commandLine(), "--seconds and --repeats must be positive");
    }
    Nd4jRuntime.configure(1);
    LoadedModel loaded = ModelFiles.load(ModelFiles.resolve(model));
    LabelledImages test = MnistData.fromOptions(dataDir, env).test();
    List<byte[]> images = new ArrayList<>(test.count());
    for (int i = 0; i < test.count(); i++) {
      images.add(test.image(i));
    }
    // The machine's limit is the best layout's: one worker may already use every core.
    double machineGemm = 0;
    for (int w : workers) {
      double[] rates = measure(() -> Throughput.gemmFlopsPerSecond(w, WARM_UP, seconds));
      machineGemm = Math.max(machineGemm, rates[repeats / 2]);
      console.printf(
          "GEMM limit, %d worker(s) x 1 thread, %dx%d FP32 matmul: %,.1f GFLOP/s (%,.1f-%,.1f) ="
              + " %,.0f LeNet images/s%n",
          w,
          Throughput.GEMM_SIZE,
          Throughput.GEMM_SIZE,
          rates[repeats / 2] / 1e9,
          rates[0] / 1e9,
          rates[repeats - 1] / 1e9,
          rates[repeats / 2] / LeNet.FLOPS_PER_IMAGE);
    }
    console.printf(
        "%8s %8s %12s %18s %14s %10s%n",
        "workers", "batch", "images/s", "(min-max)", "ms/batch", "% of GEMM");
    for (int w : workers) {
      for (int b : batchSizes) {
        double[] rates =
            measure(() -> Throughput.imagesPerSecond(loaded, images, w, b, WARM_UP, seconds));
        double median = rates[repeats / 2];
        console.printf(
            "%8d %8d %,12.0f %18s %14.2f %9.1f%%%n",
            w,
            b,
            median,
            "(%,.0f-%,.0f)".formatted(rates[0], rates[repeats - 1]),
            1000.0 * b * w / median,
            100 * median * LeNet.FLOPS_PER_IMAGE / machineGemm);
      }
    }
    return 0;
  }

  /** {@code --repeats} measurements, sorted: the median is at {@code repeats / 2}. */
  private double[] measure(Callable<Double> measurement) throws Exception {
    double[] rates = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      rates[r] = measurement.call();
    }
    Arrays.sort(rates);
    return rates;
  }
}
