package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.Activation;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LeNet;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.trainer.calibration.TrustFit;
import dev.digitstream.trainer.evaluation.ClassificationReport;
import dev.digitstream.trainer.evaluation.Evaluation;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.evaluation.ScoredSet;
import dev.digitstream.trainer.output.CurvesPlot;
import dev.digitstream.trainer.output.ReliabilityPlot;
import dev.digitstream.trainer.output.RiskCoveragePlot;
import dev.digitstream.trainer.output.RunFiles;
import dev.digitstream.trainer.output.StagingDirectory;
import dev.digitstream.trainer.training.Recipe;
import dev.digitstream.trainer.training.Trainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trainer train}: trains a LeNet and writes the model with its reports. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the LeNet on MNIST, calibrates its confidence on the validation split, evaluates",
      "it on the 10,000 test images, and writes <output-dir>/<recipe>-<version>/ with model.zip,",
      "report.txt, report.json, confusion-matrix.csv, history.csv, training-curves.png,",
      "reliability.png and risk-coverage.png."
    })
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--recipe",
      defaultValue = "default",
      description =
          "tutorial (SGD lr 0.01, batch 128, 20 epochs) or default (Adam, decay, shifts). Default: ${DEFAULT-VALUE}.")
  String recipeName;

  @Option(names = "--epochs", description = "Override the recipe's epochs.")
  Integer epochs;

  @Option(names = "--batch-size", description = "Override the recipe's batch size.")
  Integer batchSize;

  @Option(names = "--activation", description = "Override the recipe's activation: relu or tanh.")
  String activation;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description =
          "Seed of initialisation, split, order and augmentation. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--validation-split",
      defaultValue = "0.1",
      description =
          "Fraction of the training set held out for validation curves (0 to 0.5). Default: ${DEFAULT-VALUE}.")
  double validationSplit;

  @Option(
      names = "--train-limit",
      description = "Train on only the first N training images (quick runs).")
  Integer trainLimit;

  @Option(
      names = "--data-dir",
      description =
          "MNIST folder; downloaded there when missing. Default: $MNIST_DIR, else data/mnist.")
  Path dataDir;

  @Option(
      names = "--output-dir",
      defaultValue = "models",
      description = "Where the run folder is created. Default: ${DEFAULT-VALUE}.")
  Path outputDir;

  @Option(names = "--threads", description = "ND4J threads. Default: all cores.")
  Integer threads;

  private final Console console;
  private final Map<String, String> env;

  public TrainCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Recipe recipe = recipe();
    int nd4jThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (nd4jThreads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
    }
    if (!(validationSplit >= 0 && validationSplit <= 0.5)) {
      throw new ParameterException(
          spec.commandLine(), "--validation-split must be between 0 and 0.5");
    }
    if (trainLimit != null && trainLimit < 100) {
      throw new ParameterException(spec.commandLine(), "--train-limit must be at least 100");
    }
    Nd4jRuntime.configure(nd4jThreads);

    try (StagingDirectory staging = StagingDirectory.in(outputDir)) {
      MnistData mnist = MnistData.fromOptions(dataDir, env);
      LabelledImages all = mnist.train();
      LabelledImages test = mnist.test();
      if (trainLimit != null) {
        all = all.head(trainLimit);
      }
      LabelledImages[] split = Trainer.splitValidation(all, validationSplit, seed);
      console.printf(
          "recipe %s: %s%ntraining on %,d images, validating on %,d, testing on %,d; %d ND4J thread(s), oneDNN %s%n",
          recipe.name(),
          recipe.hyperparameters(),
          split[0].count(),
          split[1] == null ? 0 : split[1].count(),
          test.count(),
          nd4jThreads,
          Nd4jRuntime.oneDnnAvailable() ? "on" : "OFF (slow)");

      Trainer.Result result =
          new Trainer(recipe, seed).train(split[0], split[1], new ProgressPrinter(console));

      BatchClassifier classifier = new BatchClassifier(result.network(), "candidate", 500);
      ScoredSet onTest = Evaluator.score(classifier, test);
      Evaluation evaluation = Evaluator.evaluate(onTest);
      ClassificationReport report = ClassificationReport.of(evaluation);
      // fitted after training, on the training and validation splits only: the test set judges
      TrustFit trust = TrustFit.fit(classifier, split[0], split[1], test, onTest);
      String version =
          ModelFiles.versionId(
              result.network(), recipe.name(), recipe.hyperparameters(), seed, mnist.checksums());
      ModelMetadata metadata =
          new ModelMetadata(
              version,
              LeNet.describe(result.network().getLayerWiseConfigurations()),
              recipe.activation(),
              result.network().numParams(),
              dev.digitstream.contract.ImageRecord.CONTRACT,
              recipe.name(),
              recipe.hyperparameters(),
              seed,
              mnist.checksums(),
              evaluation.accuracy(),
              ModelFiles.libraryVersions(),
              ModelFiles.now(),
              trust.calibration(),
              trust.outOfDistribution(),
              trust.driftBaseline());
      ModelFiles.save(result.network(), metadata, staging.path().resolve(RunFiles.MODEL));
      RunFiles.writeEvaluation(evaluation, report, trust.toText(), staging.path());
      RunFiles.writeHistory(result.history(), staging.path().resolve(RunFiles.HISTORY));
      String title = "LeNet " + recipe.name();
      CurvesPlot.write(result.history(), title, staging.path().resolve(RunFiles.CURVES));
      ReliabilityPlot.write(
          trust.calibrationReport(), title, staging.path().resolve(RunFiles.RELIABILITY));
      RiskCoveragePlot.write(
          trust.calibrationReport(), title, staging.path().resolve(RunFiles.RISK_COVERAGE));
      Path published = staging.publish(recipe.name() + "-" + version);

      console.println("");
      console.println(report.toText());
      console.println(trust.toText());
      console.printf(
          "test accuracy %.2f %% (%d/%d)  model %s  version %s%n",
          100 * evaluation.accuracy(),
          evaluation.correct(),
          evaluation.total(),
          published.resolve(RunFiles.MODEL),
          version);
    }
    return 0;
  }

  private Recipe recipe() {
    Recipe recipe;
    try {
      recipe = Recipe.named(recipeName);
      if (activation != null) {
        recipe = recipe.withActivation(Activation.parse(activation));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (epochs != null) {
      if (epochs < 1) {
        throw new ParameterException(spec.commandLine(), "--epochs must be at least 1");
      }
      recipe = recipe.withEpochs(epochs);
    }
    if (batchSize != null) {
      if (batchSize < 1 || batchSize > 4096) {
        throw new ParameterException(spec.commandLine(), "--batch-size must be 1 to 4096");
      }
      recipe = recipe.withBatchSize(batchSize);
    }
    return recipe;
  }
}
