package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.mnist.MnistData;
import dev.digitstream.contract.idx.IdxReader;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.trainer.calibration.CalibrationReport;
import dev.digitstream.trainer.evaluation.ClassificationReport;
import dev.digitstream.trainer.evaluation.Evaluation;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.evaluation.ScoredSet;
import dev.digitstream.trainer.output.RunFiles;
import dev.digitstream.trainer.output.StagingDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trainer evaluate}: a model and an IDX data set in, the classification report out. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a model on the MNIST test set or on any IDX image/label pair (Fashion-MNIST, ...)",
      "through the serving classifier, and prints the classification report and what the",
      "model's calibration (temperature, confidence thresholds) gives on that set."
    })
public final class EvaluateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description = "A model.zip, a run folder, or a folder of runs (the newest is taken).")
  Path model;

  @ArgGroup(exclusive = false)
  IdxPair idx;

  static final class IdxPair {
    @Option(names = "--images", required = true, description = "IDX image file (gzipped or raw).")
    Path images;

    @Option(names = "--labels", required = true, description = "IDX label file (gzipped or raw).")
    Path labels;
  }

  @Option(
      names = "--data-dir",
      description =
          "MNIST folder, when --images/--labels are not given. Default: $MNIST_DIR, else data/mnist.")
  Path dataDir;

  @Option(
      names = "--report-dir",
      description =
          "Also write report.txt (with the calibration lines), report.json and confusion-matrix.csv into this new folder.")
  Path reportDir;

  @Option(
      names = "--batch-size",
      defaultValue = "128",
      description = "Images per inference. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "ND4J threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  private final Console console;
  private final Map<String, String> env;

  public EvaluateCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || batchSize > 4096) {
      throw new ParameterException(spec.commandLine(), "--batch-size must be 1 to 4096");
    }
    if (threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
    }
    if (idx != null && dataDir != null) {
      throw new ParameterException(
          spec.commandLine(), "give --images/--labels or --data-dir, not both");
    }
    if (reportDir != null && Files.exists(reportDir)) {
      throw new ParameterException(
          spec.commandLine(), "--report-dir " + reportDir + " already exists");
    }
    Nd4jRuntime.configure(threads);
    LoadedModel loaded = ModelFiles.load(ModelFiles.resolve(model));
    LabelledImages images =
        idx != null
            ? IdxReader.read(idx.images, idx.labels)
            : MnistData.fromOptions(dataDir, env).test();

    ScoredSet scored = Evaluator.score(new BatchClassifier(loaded, batchSize), images);
    Evaluation evaluation = Evaluator.evaluate(scored);
    ClassificationReport report = ClassificationReport.of(evaluation);
    // the model's own thresholds, measured on this set
    CalibrationReport calibration =
        CalibrationReport.of(
            loaded.metadata().calibration(), scored, idx != null ? "given" : "test");
    if (reportDir != null) {
      Path parent = reportDir.toAbsolutePath().getParent();
      try (StagingDirectory staging = StagingDirectory.in(parent)) {
        RunFiles.writeEvaluation(evaluation, report, calibration.toText(), staging.path());
        staging.publish(reportDir.getFileName().toString());
      }
    }
    console.println(report.toText());
    console.println(calibration.toText());
    console.printf(
        "accuracy %.2f %% (%d/%d)  model version %s (recorded test accuracy %.2f %%)  %,.0f img/s%n",
        100 * evaluation.accuracy(),
        evaluation.correct(),
        evaluation.total(),
        loaded.metadata().versionId(),
        100 * loaded.metadata().testAccuracy(),
        evaluation.total() / evaluation.seconds());
    return 0;
  }
}
