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
  private static Path model;

  private TrainedModel() {}

  /** The model file, trained on first use. */
  public static synchronized Path get() {
    if (model == null) {
      try {
        if (!Files.exists(DIR.resolve("done"))) {
          int code =
              TrainerCli.run(
                  new String[] {
                    "train",
                    "--epochs",
                    "1",
                    "--train-limit",
                    "6000",
                    "--data-dir",
                    TestData.mnistDir().toString(),
                    "--output-dir",
                    DIR.toString()
                  },
                  Console.system(),
                  Map.of());
          if (code != 0) {
            throw new IllegalStateException("the trainer exited with " + code);
          }
          Files.writeString(DIR.resolve("done"), "");
        }
        model = ModelFiles.resolve(DIR).toAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model;
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
