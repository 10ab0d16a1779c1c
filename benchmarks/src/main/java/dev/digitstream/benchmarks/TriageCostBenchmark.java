package dev.digitstream.benchmarks;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.Triage;
import dev.digitstream.streamapp.review.ReviewPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU cost of triage on the stream-app's hot path, in-process and in one run: the MNIST test
 * set classified in batches of 128 through {@link BatchClassifier} (what every record costs), with
 * and without what review adds per record ({@link Triage#assess}: calibrated confidence and the
 * out-of-distribution statistics) and per reviewed record (its review request's JSON, image
 * included). Rounds alternate, so that a noisy neighbour hits both sides alike; the figure is the
 * median of the per-round ratios. One ND4J thread: the stream-app infers on its stream threads.
 */
public final class TriageCostBenchmark {

  private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 7);
  private static final int BATCH = 128;

  private TriageCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    Nd4jRuntime.configure(1);
    LoadedModel model = ModelFiles.load(Bench.model());
    LabelledImages images = TestData.mnist().test();
    BatchClassifier classifier = new BatchClassifier(model, BATCH);
    Triage triage = ReviewPolicy.OFF.triageFor(model.metadata());
    List<List<byte[]>> batches = new ArrayList<>();
    for (int from = 0; from < images.count(); from += BATCH) {
      List<byte[]> batch = new ArrayList<>();
      for (int i = from; i < Math.min(images.count(), from + BATCH); i++) {
        batch.add(images.image(i));
      }
      batches.add(batch);
    }
    run(classifier, triage, batches, false); // warm-up, both paths
    run(classifier, triage, batches, true);
    double[] ratios = new double[ROUNDS];
    double[] shares = new double[ROUNDS];
    long reviewed = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long plain = run(classifier, triage, batches, false);
      long[] triaged = runTriaged(classifier, triage, batches);
      ratios[r] = (double) triaged[0] / plain;
      shares[r] = (double) triaged[1] / (triaged[0] - triaged[1]);
      reviewed = triaged[2];
      System.out.printf(
          "round %d: %.1f us/image without triage, %.1f with (%.2f of it triage): %.2f %% more;"
              + " triage alone %.2f %% of classification in the same pass%n",
          r + 1,
          plain / 1e3 / images.count(),
          triaged[0] / 1e3 / images.count(),
          triaged[1] / 1e3 / images.count(),
          100 * (ratios[r] - 1),
          100 * shares[r]);
    }
    java.util.Arrays.sort(ratios);
    java.util.Arrays.sort(shares);
    System.out.printf(
        "triage cost (model %s, threshold %.6f, %.2f %% of the test set to review), medians of %d"
            + " rounds of %,d images: %.2f %% more time per image than classification alone (A/B);"
            + " triage timed alone %.2f %% of classification%n",
        model.metadata().versionId(),
        triage.threshold(),
        100.0 * reviewed / images.count(),
        ROUNDS,
        images.count(),
        100 * (ratios[ROUNDS / 2] - 1),
        100 * shares[ROUNDS / 2]);
  }

  private static long run(
      BatchClassifier classifier, Triage triage, List<List<byte[]>> batches, boolean triaged) {
    return triaged ? runTriaged(classifier, triage, batches)[0] : timeClassify(classifier, batches);
  }

  private static long timeClassify(BatchClassifier classifier, List<List<byte[]>> batches) {
    long start = System.nanoTime();
    long sink = 0;
    for (List<byte[]> batch : batches) {
      sink += classifier.classify(batch).predictions().get(0).label();
    }
    return System.nanoTime() - start + (sink < 0 ? 1 : 0);
  }

  /** Nanoseconds in all, nanoseconds of triage alone, and the records that went to review. */
  private static long[] runTriaged(
      BatchClassifier classifier, Triage triage, List<List<byte[]>> batches) {
    long start = System.nanoTime();
    long triageNanos = 0;
    long reviewed = 0;
    long bytes = 0;
    for (List<byte[]> batch : batches) {
      List<Prediction> predictions = classifier.classify(batch).predictions();
      long triageStart = System.nanoTime();
      for (int i = 0; i < batch.size(); i++) {
        Prediction p = predictions.get(i);
        Triage.Assessment a = triage.assess(batch.get(i), p.probabilities());
        if (!a.accepted()) {
          reviewed++;
          bytes += PredictionCodec.encode(ReviewPolicy.request(triage, a, p, batch.get(i))).length;
        }
      }
      triageNanos += System.nanoTime() - triageStart;
    }
    return new long[] {System.nanoTime() - start + (bytes < 0 ? 1 : 0), triageNanos, reviewed};
  }
}
