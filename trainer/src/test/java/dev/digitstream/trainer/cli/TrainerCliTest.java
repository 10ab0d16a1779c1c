package dev.digitstream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digitstream.common.TestData;
import dev.digitstream.common.cli.Console;
import dev.digitstream.model.Calibration;
import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.DriftBaseline;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.OutOfDistribution;
import dev.digitstream.trainer.TrainerCli;
import dev.digitstream.trainer.output.RunFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's command line, end to end on small runs. */
class TrainerCliTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return TrainerCli.run(args, console, Map.of());
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<String> stderrLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static String mnist() {
    return TestData.mnistDir().toString();
  }

  @Test
  void shouldTrainAndWriteTheModelWithItsReportsAndCurves() throws IOException {
    Path models = dir.resolve("models");

    // half held out: the calibration error of 120 validation images (the default 10 %) is noise
    int code =
        run(
            "train",
            "--train-limit",
            "2400",
            "--validation-split",
            "0.5",
            "--epochs",
            "2",
            "--threads",
            "1",
            "--data-dir",
            mnist(),
            "--output-dir",
            models.toString());

    assertThat(code).as(err.toString()).isZero();
    Path run;
    try (Stream<Path> runs = Files.list(models)) {
      run = runs.findFirst().orElseThrow();
    }
    assertThat(run.getFileName().toString()).matches("default-[0-9a-f]{16}");
    try (Stream<Path> files = Files.list(run)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model.zip",
              "report.txt",
              "report.json",
              "confusion-matrix.csv",
              "history.csv",
              "training-curves.png",
              "reliability.png",
              "risk-coverage.png");
    }
    ModelMetadata metadata = ModelFiles.load(run.resolve("model.zip")).metadata();
    assertThat(run.getFileName().toString()).endsWith(metadata.versionId());
    assertThat(metadata.testAccuracy()).isGreaterThan(0.5);
    assertThat(metadata.datasets()).hasSize(4);
    assertThat(metadata.hyperparameters()).containsEntry("epochs", 2);
    assertThat(metadata.libraries()).containsEntry("onednn", "true");

    JsonNode report = RunFiles.readJson(run.resolve("report.json"));
    assertThat(report.get("classes")).hasSize(10);
    assertThat(report.get("accuracy").asDouble()).isEqualTo(metadata.testAccuracy());
    assertThat(report.get("support").asInt()).isEqualTo(10_000);
    assertThat(Files.readAllLines(run.resolve("history.csv"))).hasSize(3);
    assertThat(Files.readAllLines(run.resolve("confusion-matrix.csv"))).hasSize(11);
    for (String png : List.of("training-curves.png", "reliability.png", "risk-coverage.png")) {
      assertThat(Files.readAllBytes(run.resolve(png))).as(png).startsWith(0x89, 'P', 'N', 'G');
    }
    Calibration calibration = metadata.calibration();
    assertThat(calibration.fitted()).isTrue();
    assertThat(calibration.validationImages()).isEqualTo(1_200);
    assertThat(calibration.temperature()).isBetween(0.2, 5.0);
    assertThat(calibration.validationEceAfter())
        .isLessThanOrEqualTo(calibration.validationEceBefore());
    assertThat(calibration.thresholds())
        .extracting(ConfidenceThreshold::targetAccuracy)
        .containsExactly(0.999, 0.9999);
    assertThat(calibration.thresholds())
        .allSatisfy(t -> assertThat(t.test().images()).isEqualTo(10_000));
    assertThat(Files.readString(run.resolve("report.txt")))
        .contains("calibration: temperature scaling fitted on 1,200 validation images")
        .contains("target 99.9 %");
    assertThat(stdout()).contains("epoch  1/2").contains("epoch  2/2").contains("test accuracy");
    OutOfDistribution detector = metadata.outOfDistribution();
    assertThat(detector.fittedImages()).isEqualTo(1_200);
    assertThat(detector.validationFlagged()).isLessThanOrEqualTo(0.001);
    DriftBaseline baseline = metadata.driftBaseline();
    assertThat(baseline.images()).isEqualTo(10_000);
    assertThat(baseline.digitShares().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(1e-9));
    assertThat(baseline.confidenceShares().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(1e-9));
    String text = Files.readString(run.resolve("report.txt"));
    assertThat(text).contains("Out of distribution (AUROC");
    for (String set : List.of("letters", "noise", "blank", "inverted", "crops")) {
      assertThat(text).containsPattern("(?m)^" + set + " +\\d+ +[01]\\.\\d{4}");
    }

    // calibrate: the same fit for the same model, written to another file with the same version
    out.reset();
    Path recalibrated = dir.resolve("recalibrated.zip");
    assertThat(
            run(
                "calibrate",
                "--model",
                run.toString(),
                "--validation-split",
                "0.5",
                "--train-limit",
                "2400",
                "--data-dir",
                mnist(),
                "--output",
                recalibrated.toString()))
        .as(err.toString())
        .isZero();
    ModelMetadata again = ModelFiles.load(recalibrated).metadata();
    assertThat(again.versionId()).isEqualTo(metadata.versionId());
    assertThat(again.outOfDistribution()).isEqualTo(detector);
    assertThat(again.calibration().temperature())
        .isCloseTo(calibration.temperature(), within(1e-6));
    assertThat(stdout()).contains("written to " + recalibrated);
    err.reset();
    assertThat(
            run(
                "calibrate",
                "--model",
                run.toString(),
                "--validation-split",
                "0.25",
                "--train-limit",
                "2400",
                "--data-dir",
                mnist(),
                "--output",
                dir.resolve("wrong-split.zip").toString()))
        .as("a split other than the model's own")
        .isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("calibrated on 1,200");
    assertThat(dir.resolve("wrong-split.zip")).doesNotExist();

    out.reset();
    Path reportDir = dir.resolve("eval");
    assertThat(
            run(
                "evaluate",
                "--model",
                run.toString(),
                "--data-dir",
                mnist(),
                "--report-dir",
                reportDir.toString()))
        .isZero();
    assertThat(stdout())
        .contains("model version " + metadata.versionId())
        .contains(String.format(Locale.ROOT, "temperature %.4f", calibration.temperature()));
    assertThat(RunFiles.readJson(reportDir.resolve("report.json")).get("accuracy").asDouble())
        .isEqualTo(metadata.testAccuracy());
  }

  @Test
  void shouldEvaluateAnyIdxPair() throws IOException {
    Path models = dir.resolve("models");
    assertThat(
            run(
                "train",
                "--train-limit",
                "600",
                "--epochs",
                "1",
                "--threads",
                "1",
                "--validation-split",
                "0",
                "--data-dir",
                mnist(),
                "--output-dir",
                models.toString()))
        .isZero();
    Path model;
    try (Stream<Path> runs = Files.list(models)) {
      model = runs.findFirst().orElseThrow().resolve("model.zip");
    }
    out.reset();

    int code =
        run(
            "evaluate",
            "--model",
            model.toString(),
            "--images",
            TestData.mnistDir().resolve("train-images-idx3-ubyte.gz").toString(),
            "--labels",
            TestData.mnistDir().resolve("train-labels-idx1-ubyte.gz").toString());

    assertThat(code).isZero();
    assertThat(stdout()).containsPattern("accuracy\\s+0\\.\\d+\\s+60000");
  }

  @Test
  void shouldRefuseToCalibrateWithoutAValidationSplitOrIntoAFolder() {
    assertThat(run("calibrate", "--model", "x", "--output", "y.zip", "--validation-split", "0"))
        .isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--validation-split");
    err.reset();
    assertThat(run("calibrate", "--model", "x", "--output", dir.toString())).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("is a folder");
  }

  @Test
  void shouldRejectNonsenseOptionsWithOneLineAndExitCode2() {
    assertThat(run("train", "--epochs", "0")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--epochs must be at least 1");
    err.reset();
    assertThat(run("train", "--recipe", "magic")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("unknown recipe 'magic'");
    err.reset();
    assertThat(run("train", "--activation", "sigmoid")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("unknown activation 'sigmoid'");
    err.reset();
    assertThat(run("train", "--validation-split", "0.9")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--validation-split");
    err.reset();
    assertThat(run("train", "--no-such-option")).isEqualTo(2);
    assertThat(stderrLines())
        .singleElement()
        .asString()
        .contains("Unknown option: '--no-such-option'");
    err.reset();
    assertThat(run("evaluate")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--model");
  }

  @Test
  void shouldFailCleanlyOnMissingDataLeavingNoOutput() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("no-mnist"));
    Path models = dir.resolve("models");
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    int code =
        TrainerCli.run(
            new String[] {
              "train", "--data-dir", empty.toString(), "--output-dir", models.toString()
            },
            console,
            Map.of("MNIST_MIRROR", "http://127.0.0.1:9/"));

    assertThat(code).isEqualTo(1);
    assertThat(stderrLines())
        .singleElement()
        .asString()
        .startsWith("trainer: download of http://127.0.0.1:9/");
    try (Stream<Path> left = Files.list(models)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void shouldFailCleanlyOnAnUnwritableOutputDir() throws IOException {
    Path file = Files.writeString(dir.resolve("occupied"), "x");

    assertThat(
            run("train", "--data-dir", mnist(), "--output-dir", file.resolve("models").toString()))
        .isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("is not writable");
  }

  @Test
  void shouldFailCleanlyOnACorruptModel() throws IOException {
    Path model = Files.writeString(dir.resolve("model.zip"), "garbage");

    assertThat(run("evaluate", "--model", model.toString(), "--data-dir", mnist())).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("corrupt or not a model file");
    err.reset();
    assertThat(
            run(
                "evaluate",
                "--model",
                dir.resolve("missing.zip").toString(),
                "--data-dir",
                mnist()))
        .isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().endsWith("missing.zip: file not found");
  }
}
