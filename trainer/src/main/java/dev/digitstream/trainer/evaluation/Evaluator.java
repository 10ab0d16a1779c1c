package dev.digitstream.trainer.evaluation;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a model on a labelled set through {@link BatchClassifier}, the very code path the stream
 * application serves with, so the figures reported are the figures served.
 */
public final class Evaluator {

  private Evaluator() {}

  public static Evaluation evaluate(BatchClassifier classifier, LabelledImages images) {
    return evaluate(score(classifier, images));
  }

  /** Every image's probabilities, batch by batch. */
  public static ScoredSet score(BatchClassifier classifier, LabelledImages images) {
    float[][] probabilities = new float[images.count()][];
    int[] labels = new int[images.count()];
    int batch = classifier.maxBatch();
    List<byte[]> inputs = new ArrayList<>(batch);
    long start = System.nanoTime();
    for (int from = 0; from < images.count(); from += batch) {
      int to = Math.min(images.count(), from + batch);
      inputs.clear();
      for (int i = from; i < to; i++) {
        inputs.add(images.image(i));
      }
      List<Prediction> predictions = classifier.classify(inputs).predictions();
      for (int i = from; i < to; i++) {
        probabilities[i] = predictions.get(i - from).probabilities();
        labels[i] = images.label(i);
      }
    }
    return new ScoredSet(probabilities, labels, (System.nanoTime() - start) / 1e9);
  }

  /** The confusion matrix and mean cross-entropy of a scored set. */
  public static Evaluation evaluate(ScoredSet scored) {
    int[][] confusion = new int[ImageRecord.CLASSES][ImageRecord.CLASSES];
    double lossSum = 0;
    for (int i = 0; i < scored.size(); i++) {
      int actual = scored.labels()[i];
      confusion[actual][scored.predicted(i)]++;
      lossSum -= Math.log(Math.max(scored.probabilities()[i][actual], 1e-7f));
    }
    return new Evaluation(confusion, lossSum / scored.size(), scored.seconds());
  }
}
