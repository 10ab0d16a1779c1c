package dev.digitstream.testsupport;

import dev.digitstream.common.TestData;
import dev.digitstream.common.cli.Console;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.trainer.TrainerCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model every integration, system and reliability test serves: written by the trainer's own CLI
 * (one epoch on 6,000 images, evaluated on the 10,000 test images, about 94 % accurate), once per
 * build under the module's target/.
 */
public final class TrainedModel {

  private static final Path DIR = Path.of("target", "test-model");
  private static final Path ANOTHER_DIR = Path.of("target", "test-model-another");
  private static final Path SCRAMBLED = Path.of("target", "test-model-scrambled", "model.zip");
  private static Path model;
  private static Path another;
  private static Path scrambled;

  private TrainedModel() {}

  /** The model file, trained on first use. */
  public static synchronized Path get() {
    if (model == null) {
      model = train(DIR, 42);
    }
    return model;
  }

  /**
   * A second model, trained the same way from another seed: another version of about the same
   * accuracy, for the model lifecycle tests.
   */
  public static synchronized Path another() {
    if (another == null) {
      another = train(ANOTHER_DIR, 7);
    }
    return another;
  }

  /**
   * {@link #get()} with its labels scrambled: the same weights, but the output layer's rows for
   * digit d moved to digit (d + 1) mod 10, so it names the wrong digit for every image it used to
   * get right, with the same confidence. A valid model of another version, and about 10 % accurate
   * at best: the candidate a gate must reject.
   */
  public static synchronized Path scrambled() {
    if (scrambled == null) {
      try {
        LoadedModel original = ModelFiles.load(get());
        MultiLayerNetwork network = original.network().clone();
        var output = network.getLayer(network.getnLayers() - 1);
        INDArray w = output.getParam("W"); // [inputs, 10]
        INDArray b = output.getParam("b"); // [1, 10]
        INDArray wCopy = w.dup();
        INDArray bCopy = b.dup();
        for (int digit = 0; digit < 10; digit++) {
          int to = (digit + 1) % 10;
          w.getColumn(to).assign(wCopy.getColumn(digit));
          b.putScalar(0, to, bCopy.getDouble(0, digit));
        }
        ModelMetadata m = original.metadata();
        String recipe = m.recipe() + "-scrambled";
        ModelMetadata metadata =
            new ModelMetadata(
                ModelFiles.versionId(network, recipe, m.hyperparameters(), m.seed(), m.datasets()),
                m.architecture(),
                m.activation(),
                m.parameters(),
                m.inputContract(),
                recipe,
                m.hyperparameters(),
                m.seed(),
                m.datasets(),
                m.testAccuracy(), // what it claims: only live labels can tell
                m.libraries(),
                ModelFiles.now(),
                m.calibration(), // claimed too, like the accuracy
                m.outOfDistribution(),
                m.driftBaseline());
        Files.createDirectories(SCRAMBLED.getParent());
        ModelFiles.save(network, metadata, SCRAMBLED);
        scrambled = SCRAMBLED.toAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scrambled;
  }

  private static Path train(Path dir, long seed) {
    try {
      if (!current(dir)) {
        deleteRecursively(dir);
        int code =
            TrainerCli.run(
                new String[] {
                  "train",
                  "--epochs",
                  "1",
                  "--train-limit",
                  "6000",
                  "--seed",
                  Long.toString(seed),
                  "--data-dir",
                  TestData.mnistDir().toString(),
                  "--output-dir",
                  dir.toString()
                },
                Console.system(),
                Map.of());
        if (code != 0) {
          throw new IllegalStateException("the trainer exited with " + code);
        }
        Files.writeString(dir.resolve("done"), "");
      }
      return ModelFiles.resolve(dir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether {@code dir} holds a finished model with everything the trainer now writes (a model
   * cached by an older build lacks its triage, and is trained again).
   */
  private static boolean current(Path dir) throws IOException {
    return Files.exists(dir.resolve("done"))
        && ModelFiles.readMetadata(ModelFiles.resolve(dir)).outOfDistribution().fitted();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The model, loaded (trained on first use). */
  public static LoadedModel load() {
    try {
      return ModelFiles.load(get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
