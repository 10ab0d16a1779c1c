package dev.digitstream.benchmarks.jmh;

import dev.digitstream.benchmarks.Bench;
import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.Activation;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LeNet;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BatchClassifier} throughput by batch size on real MNIST test images, one thread, one ND4J
 * thread, as each stream thread of the stream-app runs it. The primary score is batches per second;
 * the {@code images} counter is images per second. The model is {@code MODEL_PATH}'s (a file or a
 * folder of models, the newest), or an untrained LeNet when {@code MODEL_PATH} is not set: the same
 * arithmetic, so the same speed; the set-up prints which.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class BatchClassifierBenchmark {

  @Param({"1", "32", "128"})
  public int batchSize;

  private BatchClassifier classifier;
  private List<byte[]> images;
  private List<byte[]> batch;
  private int next;

  /** Images classified, reported by JMH as a rate beside the batch rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Images {
    public long images;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Bench.init();
    Nd4jRuntime.configure(1);
    Optional<Path> file = Bench.configuredModel();
    if (file.isPresent()) {
      LoadedModel model = ModelFiles.load(file.get());
      System.out.println("model: " + file.get() + " (" + model.metadata().versionId() + ")");
      classifier = new BatchClassifier(model, batchSize);
    } else {
      System.out.println("model: an untrained LeNet (MODEL_PATH not set; same speed, no accuracy)");
      classifier =
          new BatchClassifier(
              LeNet.create(Activation.RELU, new Adam(1e-3), WeightInit.XAVIER, 42),
              "untrained",
              batchSize);
    }
    LabelledImages test = TestData.mnist().test();
    images = new ArrayList<>(test.count());
    for (int i = 0; i < test.count(); i++) {
      images.add(test.image(i));
    }
    batch = new ArrayList<>(batchSize);
  }

  @Benchmark
  public BatchClassifier.Result classify(Images counter) {
    batch.clear();
    for (int i = 0; i < batchSize; i++) {
      batch.add(images.get(next));
      next = (next + 1) % images.size();
    }
    counter.images += batchSize;
    return classifier.classify(batch);
  }
}
