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
import java.util.Arrays;
import java.util.List;

/**
 * The CPU cost of triage per image beside classification, in-process: the MNIST test set classified
 * in batches of 128 through {@link BatchClassifier}, and each batch then triaged as the stream-app
 * does ({@link Triage#assess}: calibrated confidence and the out-of-distribution statistics; for
 * the records sent to review, their request's JSON, image included), both timed in the same pass.
 * One ND4J thread, as a stream thread has; the figure is the median over the rounds of triage time
 * over classification time. What only a stream-app adds (the drift monitor, the review sink) is in
 * {@link RoutingCostBenchmark}.
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
    pass(classifier, triage, batches); // warm-up
    double[] shares = new double[ROUNDS];
    long reviewed = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long[] nanos = pass(classifier, triage, batches);
      shares[r] = (double) nanos[1] / nanos[0];
      reviewed = nanos[2];
      System.out.printf(
          "round %d: classification %.1f us/image, triage %.2f us/image: %.2f %%%n",
          r + 1, nanos[0] / 1e3 / images.count(), nanos[1] / 1e3 / images.count(), 100 * shares[r]);
    }
    Arrays.sort(shares);
    System.out.printf(
        "triage cost (model %s, threshold %.6f, %.2f %% of the test set to review): median %.2f %%"
            + " of classification time (%d rounds of %,d images)%n",
        model.metadata().versionId(),
        triage.threshold(),
        100.0 * reviewed / images.count(),
        100 * shares[ROUNDS / 2],
        ROUNDS,
        images.count());
  }

  /** Nanoseconds of classification, of triage, and the records that went to review. */
  private static long[] pass(
      BatchClassifier classifier, Triage triage, List<List<byte[]>> batches) {
    long classifying = 0;
    long triaging = 0;
    long reviewed = 0;
    long bytes = 0;
    for (List<byte[]> batch : batches) {
      long start = System.nanoTime();
      List<Prediction> predictions = classifier.classify(batch).predictions();
      long classified = System.nanoTime();
      for (int i = 0; i < batch.size(); i++) {
        Prediction p = predictions.get(i);
        Triage.Assessment a = triage.assess(batch.get(i), p.probabilities());
        if (!a.accepted()) {
          reviewed++;
          bytes += PredictionCodec.encode(ReviewPolicy.request(triage, a, p, batch.get(i))).length;
        }
      }
      classifying += classified - start;
      triaging += System.nanoTime() - classified;
    }
    return new long[] {classifying, triaging + (bytes < 0 ? 1 : 0), reviewed};
  }
}
