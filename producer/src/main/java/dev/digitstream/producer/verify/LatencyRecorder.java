package dev.digitstream.producer.verify;

import org.HdrHistogram.Histogram;

/** End-to-end latencies in microseconds, kept in an HdrHistogram (3 significant digits). */
final class LatencyRecorder {

  private final Histogram histogram = new Histogram(3);

  /** Records one latency; a negative one (clocks disagree) counts as zero. */
  void record(long micros) {
    histogram.recordValue(Math.max(0, micros));
  }

  Latency summary() {
    if (histogram.getTotalCount() == 0) {
      return Latency.NONE;
    }
    return new Latency(
        histogram.getTotalCount(),
        ms(histogram.getMean()),
        ms(histogram.getValueAtPercentile(50)),
        ms(histogram.getValueAtPercentile(90)),
        ms(histogram.getValueAtPercentile(99)),
        ms(histogram.getValueAtPercentile(99.9)),
        ms(histogram.getMaxValue()));
  }

  private static double ms(double micros) {
    return micros / 1_000.0;
  }
}
