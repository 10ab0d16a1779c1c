package dev.digitstream.trainer.output;

import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.ConfidenceThreshold.Acceptance;
import dev.digitstream.trainer.calibration.CalibrationReport;
import dev.digitstream.trainer.calibration.RiskCoverage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The risk-coverage curve of one set: the accuracy of the predictions accepted against the share
 * accepted, as the calibrated-confidence threshold falls, with the model's thresholds marked.
 */
public final class RiskCoveragePlot {

  /** Points drawn along the curve: enough for a smooth line, few enough for a small file. */
  private static final int POINTS = 1_000;

  private RiskCoveragePlot() {}

  public static void write(CalibrationReport report, String title, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(560)
            .title(
                "%s, %s set: accuracy of accepted predictions".formatted(title, report.setName()))
            .xAxisTitle("coverage (share of predictions accepted)")
            .yAxisTitle("accuracy of accepted predictions")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0);
    List<RiskCoverage.Point> curve = report.riskCoverage().curve(POINTS);
    if (!curve.isEmpty()) {
      chart
          .addSeries(
              "calibrated confidence >= threshold",
              curve.stream().mapToDouble(RiskCoverage.Point::coverage).toArray(),
              curve.stream().mapToDouble(RiskCoverage.Point::accuracy).toArray())
          .setMarker(SeriesMarkers.NONE);
    }
    List<ConfidenceThreshold> thresholds = report.calibration().thresholds();
    for (int i = 0; i < thresholds.size(); i++) {
      Acceptance accepted = report.accepted().get(i);
      if (accepted.accepted() == 0) {
        continue;
      }
      XYSeries point =
          chart.addSeries(
              "threshold for " + CalibrationReport.percent(thresholds.get(i).targetAccuracy()),
              new double[] {accepted.coverage()},
              new double[] {accepted.accuracy()});
      point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      point.setMarker(SeriesMarkers.DIAMOND);
    }
    BitmapEncoder.saveBitmap(chart, CurvesPlot.withoutPng(file), BitmapEncoder.BitmapFormat.PNG);
  }
}
