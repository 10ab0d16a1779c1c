package dev.digitstream.trainer.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.digitstream.trainer.evaluation.ClassificationReport;
import dev.digitstream.trainer.evaluation.Evaluation;
import dev.digitstream.trainer.training.EpochStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writers of the report files a run leaves behind. */
public final class RunFiles {

  public static final String MODEL = dev.digitstream.model.ModelFiles.FILE_NAME;
  public static final String REPORT_TEXT = "report.txt";
  public static final String REPORT_JSON = "report.json";
  public static final String CONFUSION_MATRIX = "confusion-matrix.csv";
  public static final String HISTORY = "history.csv";
  public static final String CURVES = "training-curves.png";
  public static final String RELIABILITY = "reliability.png";
  public static final String RISK_COVERAGE = "risk-coverage.png";

  /** The trainer's one JSON mapper. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunFiles() {}

  /**
   * report.txt (the classification report followed by {@code trust}: the calibration and
   * out-of-distribution reports), report.json (the classification report) and confusion-matrix.csv.
   */
  public static void writeEvaluation(
      Evaluation evaluation, ClassificationReport report, String trust, Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve(REPORT_TEXT),
        report.toText() + System.lineSeparator() + trust,
        StandardCharsets.UTF_8);
    JSON.writeValue(dir.resolve(REPORT_JSON).toFile(), report);
    try (PrintWriter out =
        new PrintWriter(Files.newBufferedWriter(dir.resolve(CONFUSION_MATRIX)))) {
      int k = evaluation.confusion().length;
      StringBuilder header = new StringBuilder("actual\\predicted");
      for (int j = 0; j < k; j++) {
        header.append(',').append(j);
      }
      out.println(header);
      for (int i = 0; i < k; i++) {
        StringBuilder row = new StringBuilder(Integer.toString(i));
        for (int j = 0; j < k; j++) {
          row.append(',').append(evaluation.confusion()[i][j]);
        }
        out.println(row);
      }
    }
  }

  /** Reads a JSON file the trainer wrote, such as {@value #REPORT_JSON}, as a tree. */
  public static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** history.csv: one row per epoch. */
  public static void writeHistory(List<EpochStats> history, Path file) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
      out.println(
          "epoch,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second");
      for (EpochStats e : history) {
        out.println(
            String.format(
                Locale.ROOT,
                "%d,%.6g,%.6f,%.6f,%s,%s,%.2f,%.1f",
                e.epoch(),
                e.learningRate(),
                e.trainLoss(),
                e.trainAccuracy(),
                blankIfNaN(e.validationLoss()),
                blankIfNaN(e.validationAccuracy()),
                e.seconds(),
                e.imagesPerSecond()));
      }
    }
  }

  private static String blankIfNaN(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
  }
}
