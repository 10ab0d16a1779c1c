package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;
import dev.digitstream.model.Triage;

/**
 * The owner of images in a shared batch (one stream task), told the prediction of each of its
 * images. It may be told while another task is being processed, so it must only queue the
 * prediction and emit it from its own processing context.
 */
public interface PredictionSink {
  /**
   * @param triage the predicting model's triage
   * @param assessment what the triage made of this prediction; null when review is off
   * @param decision the model decision the predicting model served by (0: none)
   */
  void accept(
      long sequence,
      Prediction prediction,
      Triage triage,
      Triage.Assessment assessment,
      long decision);
}
