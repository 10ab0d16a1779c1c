package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;
import dev.digitstream.registry.ShadowReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * This replica's figures for one version scored in shadow beside one serving version, on the same
 * batches; added to by every stream thread, read by the follower's reports and by the metrics.
 */
public final class ShadowScore {

  private final String version;
  private final String serving;
  private final LongAdder scored = new LongAdder();
  private final LongAdder labelled = new LongAdder();
  private final LongAdder servingCorrect = new LongAdder();
  private final LongAdder shadowCorrect = new LongAdder();
  private final LongAdder servingOnly = new LongAdder();
  private final LongAdder shadowOnly = new LongAdder();
  private final LongAdder disagreements = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  /**
   * @param version the version scored in shadow
   * @param serving the version it is compared with
   */
  public ShadowScore(String version, String serving) {
    this.version = version;
    this.serving = serving;
  }

  public String version() {
    return version;
  }

  public String serving() {
    return serving;
  }

  /**
   * Counts one batch.
   *
   * @param labels each record's label, -1 for none
   */
  void batch(
      List<Prediction> servingPredictions,
      List<Prediction> shadowPredictions,
      int[] labels,
      long shadowNanos) {
    int n = servingPredictions.size();
    int labelledHere = 0;
    int servingRight = 0;
    int shadowRight = 0;
    int servingOnlyRight = 0;
    int shadowOnlyRight = 0;
    int disagreeing = 0;
    for (int i = 0; i < n; i++) {
      int a = servingPredictions.get(i).label();
      int b = shadowPredictions.get(i).label();
      if (a != b) {
        disagreeing++;
      }
      if (labels[i] >= 0) {
        labelledHere++;
        boolean aRight = a == labels[i];
        boolean bRight = b == labels[i];
        servingRight += aRight ? 1 : 0;
        shadowRight += bRight ? 1 : 0;
        servingOnlyRight += aRight && !bRight ? 1 : 0;
        shadowOnlyRight += bRight && !aRight ? 1 : 0;
      }
    }
    scored.add(n);
    labelled.add(labelledHere);
    servingCorrect.add(servingRight);
    shadowCorrect.add(shadowRight);
    servingOnly.add(servingOnlyRight);
    shadowOnly.add(shadowOnlyRight);
    disagreements.add(disagreeing);
    nanos.add(shadowNanos);
  }

  /** The figures so far, as {@code replica} reports them. */
  public ShadowReport report(String replica) {
    return new ShadowReport(
        replica,
        version,
        serving,
        scored.sum(),
        labelled.sum(),
        servingCorrect.sum(),
        shadowCorrect.sum(),
        servingOnly.sum(),
        shadowOnly.sum(),
        disagreements.sum(),
        nanos.sum(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }
}
