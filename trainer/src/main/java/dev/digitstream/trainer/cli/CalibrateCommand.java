package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.trainer.calibration.TrustFit;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.evaluation.ScoredSet;
import dev.digitstream.trainer.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trainer calibrate}: fits again what {@code train} fits after training (calibration,
 * out-of-distribution detector, drift baseline) for an existing model, and writes a copy of it with
 * them. The weights, and so the version, stay the same.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Fits the calibration, the out-of-distribution detector and the drift baseline of an",
      "existing model, as train does after training (on the validation split its seed holds out),",
      "and writes the model with them to --output. The version stays the same: use it for models",
      "trained before these existed."
    })
public final class CalibrateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description = "A model.zip, a run folder, or a folder of runs (the newest is taken).")
  Path model;

  @Option(names = "--output", required = true, description = "The model file to write.")
  Path output;

  @Option(
      names = "--validation-split",
      defaultValue = "0.1",
      description =
          "The fraction the model was trained with: its seed holds out the same images. Default: ${DEFAULT-VALUE}.")
  double validationSplit;

  @Option(
      names = "--train-limit",
      description = "The limit the model was trained with, if any: the split is of that many.")
  Integer trainLimit;

  @Option(
      names = "--data-dir",
      description =
          "MNIST folder; downloaded there when missing. Default: $MNIST_DIR, else data/mnist.")
  Path dataDir;

  @Option(names = "--threads", description = "ND4J threads. Default: all cores.")
  Integer threads;

  private final Console console;
  private final Map<String, String> env;

  public CalibrateCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (!(validationSplit > 0 && validationSplit <= 0.5)) {
      throw new ParameterException(
          spec.commandLine(), "--validation-split must be above 0 and at most 0.5");
    }
    if (Files.isDirectory(output)) {
      throw new ParameterException(spec.commandLine(), "--output " + output + " is a folder");
    }
    Nd4jRuntime.configure(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
    LoadedModel loaded = ModelFiles.load(ModelFiles.resolve(model));
    ModelMetadata metadata = loaded.metadata();
    MnistData mnist = MnistData.fromOptions(dataDir, env);
    LabelledImages test = mnist.test();
    LabelledImages training = trainLimit == null ? mnist.train() : mnist.train().head(trainLimit);
    LabelledImages[] split = Trainer.splitValidation(training, validationSplit, metadata.seed());
    int calibratedOn = metadata.calibration().validationImages();
    if (calibratedOn > 0 && calibratedOn != split[1].count()) {
      throw new ParameterException(
          spec.commandLine(),
          ("the model was calibrated on %,d validation images, --validation-split and"
                  + " --train-limit hold out %,d: give the ones it was trained with, or its"
                  + " thresholds would be fitted on images it learned from")
              .formatted(calibratedOn, split[1].count()));
    }
    BatchClassifier classifier = new BatchClassifier(loaded, 500);
    ScoredSet onTest = Evaluator.score(classifier, test);
    TrustFit trust = TrustFit.fit(classifier, split[0], split[1], test, onTest);
    ModelFiles.save(loaded.network(), trust.applyTo(metadata), output);
    console.println(trust.toText());
    console.printf("model %s (version %s) written to %s%n", model, metadata.versionId(), output);
    return 0;
  }
}
