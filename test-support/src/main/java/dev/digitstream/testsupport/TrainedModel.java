package dev.digitstream.testsupport;

import dev.digitstream.common.TestData;
import dev.digitstream.common.cli.Console;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.trainer.TrainerCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model every integration, system and reliability test serves: written by the trainer's own CLI
 * (one epoch on 6,000 images, evaluated on the 10,000 test images, about 94 % accurate), once per
 * build under the module's target/.
 */
public final class TrainedModel {

  private static final Path DIR = Path.of("target", "test-model");
  private static final Path ANOTHER_DIR = Path.of("target", "test-model-another");
  private static Path model;
  private static Path another;

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

  private static Path train(Path dir, long seed) {
    try {
      if (!Files.exists(dir.resolve("done"))) {
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

  /** The model, loaded (trained on first use). */
  public static LoadedModel load() {
    try {
      return ModelFiles.load(get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
