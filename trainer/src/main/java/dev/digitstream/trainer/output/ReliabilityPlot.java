package dev.digitstream.trainer.output;

import dev.digitstream.trainer.calibration.CalibrationReport;
import dev.digitstream.trainer.calibration.ReliabilityDiagram;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Reliability diagrams of one set, before and after temperature scaling side by side: the accuracy
 * of each confidence bin against its mean confidence, with the diagonal a calibrated model follows.
 * Points below the diagonal are over-confident bins. Each bin's share of the images is drawn too:
 * most images sit in the top bin, and a far-off point of a nearly empty bin weighs little.
 */
public final class ReliabilityPlot {

  private ReliabilityPlot() {}

  public static void write(CalibrationReport report, String title, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart before =
        panel(
            String.format(
                Locale.ROOT,
                "%s, %s set: network's confidence, ECE %.4f",
                title,
                report.setName(),
                report.before().ece()),
            report.before());
    XYChart after =
        panel(
            String.format(
                Locale.ROOT,
                "%s, %s set: T = %.3f, ECE %.4f",
                title,
                report.setName(),
                report.calibration().temperature(),
                report.after().ece()),
            report.after());
    BitmapEncoder.saveBitmap(
        List.of(before, after), 1, 2, CurvesPlot.withoutPng(file), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart panel(String title, ReliabilityDiagram diagram) {
    XYChart chart =
        new XYChartBuilder()
            .width(640)
            .height(480)
            .title(title)
            .xAxisTitle("confidence (bin mean)")
            .yAxisTitle("accuracy; share of images")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    XYSeries diagonal =
        chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
    diagonal.setMarker(SeriesMarkers.NONE);
    List<ReliabilityDiagram.Bin> filled =
        diagram.bins().stream().filter(b -> b.count() > 0).toList();
    if (!filled.isEmpty()) {
      chart
          .addSeries(
              "accuracy per bin (%d bins)".formatted(diagram.bins().size()),
              filled.stream().mapToDouble(ReliabilityDiagram.Bin::meanConfidence).toArray(),
              filled.stream().mapToDouble(ReliabilityDiagram.Bin::accuracy).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
      long total = diagram.total();
      XYSeries share =
          chart.addSeries(
              "share of images",
              filled.stream().mapToDouble(ReliabilityDiagram.Bin::meanConfidence).toArray(),
              filled.stream().mapToDouble(b -> (double) b.count() / total).toArray());
      share.setMarker(SeriesMarkers.SQUARE);
      share.setLineStyle(SeriesLines.DASH_DASH);
    }
    return chart;
  }
}
