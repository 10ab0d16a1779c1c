package dev.digitstream.contract;

import java.util.Arrays;

/**
 * The output record value for one image: the predicted digit, its probability, the probabilities of
 * all ten digits, and the version of the model that made the prediction.
 *
 * <p>Serialised by {@link PredictionCodec} as JSON, for example {@code
 * {"label":7,"confidence":0.9987,"probabilities":[...10 values...],"modelVersion":"3f2a..."}}.
 */
public record Prediction(int label, float confidence, float[] probabilities, String modelVersion) {

  public Prediction {
    if (label < 0 || label >= ImageRecord.CLASSES) {
      throw new IllegalArgumentException("label out of range: " + label);
    }
    if (probabilities == null || probabilities.length != ImageRecord.CLASSES) {
      throw new IllegalArgumentException("need " + ImageRecord.CLASSES + " probabilities");
    }
  }

  /** The arg-max of {@code probabilities} as a prediction. */
  public static Prediction fromProbabilities(float[] probabilities, String modelVersion) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return new Prediction(best, probabilities[best], probabilities, modelVersion);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && label == p.label
        && Float.compare(confidence, p.confidence) == 0
        && Arrays.equals(probabilities, p.probabilities)
        && modelVersion.equals(p.modelVersion);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * label + Arrays.hashCode(probabilities)) + modelVersion.hashCode();
  }

  @Override
  public String toString() {
    return "Prediction[label=%d, confidence=%.4f, modelVersion=%s]"
        .formatted(label, confidence, modelVersion);
  }
}
