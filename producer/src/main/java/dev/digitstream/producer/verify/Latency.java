package dev.digitstream.producer.verify;

/** End-to-end latency percentiles in milliseconds, from the intended send time to receipt. */
public record Latency(
    long count,
    double meanMs,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double p999Ms,
    double maxMs) {

  static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0);
}
