package dev.digitstream.trainer.output;

import dev.digitstream.trainer.training.EpochStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The tutorial's figure: training and validation loss and accuracy per epoch, as a PNG with two
 * panels (loss on the left, accuracy on the right, since they live on different scales).
 */
public final class CurvesPlot {

  private CurvesPlot() {}

  public static void write(List<EpochStats> history, String title, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart loss = chart(title + ": loss", "loss", Styler.LegendPosition.InsideNE);
    add(loss, "train_loss", history, EpochStats::trainLoss);
    add(loss, "val_loss", history, EpochStats::validationLoss);
    XYChart accuracy = chart(title + ": accuracy", "accuracy", Styler.LegendPosition.InsideSE);
    add(accuracy, "train_acc", history, EpochStats::trainAccuracy);
    add(accuracy, "val_acc", history, EpochStats::validationAccuracy);
    BitmapEncoder.saveBitmap(
        List.of(loss, accuracy), 1, 2, withoutPng(file), BitmapEncoder.BitmapFormat.PNG);
  }

  /** XChart appends the extension itself: the file's path without it. */
  static String withoutPng(Path file) {
    String name = file.toString();
    return name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
  }

  private static XYChart chart(String title, String yTitle, Styler.LegendPosition legend) {
    XYChart chart =
        new XYChartBuilder()
            .width(640)
            .height(480)
            .title(title)
            .xAxisTitle("epoch")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(legend);
    chart.getStyler().setMarkerSize(5);
    return chart;
  }

  private static void add(
      XYChart chart, String series, List<EpochStats> history, ToDoubleFunction<EpochStats> value) {
    double[] x = history.stream().mapToDouble(EpochStats::epoch).toArray();
    double[] y = history.stream().mapToDouble(value).toArray();
    if (y.length > 0 && !Double.isNaN(y[0])) {
      chart.addSeries(series, x, y);
    }
  }
}
