package dev.digitstream.streamapp.batching;

import dev.digitstream.contract.Prediction;

/**
 * The owner of images in a shared batch (one stream task), told the prediction of each of its
 * images. It may be told while another task is being processed, so it must only queue the
 * prediction and emit it from its own processing context.
 */
public interface PredictionSink {
  /**
   * @param decision the model decision the predicting model served by (0: none)
   */
  void accept(long sequence, Prediction prediction, long decision);
}
