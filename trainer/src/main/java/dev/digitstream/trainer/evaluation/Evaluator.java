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
    int[][] confusion = new int[ImageRecord.CLASSES][ImageRecord.CLASSES];
    double lossSum = 0;
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
        Prediction p = predictions.get(i - from);
        int actual = images.label(i);
        confusion[actual][p.label()]++;
        lossSum -= Math.log(Math.max(p.probabilities()[actual], 1e-7f));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Evaluation(confusion, lossSum / images.count(), seconds);
  }
}
