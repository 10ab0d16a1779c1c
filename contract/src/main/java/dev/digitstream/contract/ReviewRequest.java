package dev.digitstream.contract;

import java.util.List;

/**
 * The review-topic record value for one image the pipeline would not book on its own: why, what the
 * model thinks (its three most likely digits with calibrated probabilities), and the image itself,
 * so that the person who looks needs nothing else. Key and headers are the input record's, like a
 * prediction's.
 *
 * <p>Serialised by {@link PredictionCodec} as JSON, for example {@code
 * {"reason":"low-confidence","label":3,"confidence":0.91,"threshold":0.9956,"outOfDistributionScore":1.2,
 * "outOfDistributionThreshold":4.5,"top":[{"digit":3,"probability":0.91},...],
 * "modelVersion":"3f2a...","image":"<784 bytes, base64>"}}.
 *
 * @param reason {@code low-confidence} or {@code out-of-distribution}
 * @param label the most likely digit
 * @param confidence its calibrated probability
 * @param threshold the calibrated confidence from which a prediction is booked
 * @param outOfDistributionScore the image's out-of-distribution score
 * @param outOfDistributionThreshold the score above which an image is out of distribution
 * @param top the three most likely digits, most likely first
 * @param modelVersion the model that assessed it
 * @param image the 784-byte image
 */
public record ReviewRequest(
    String reason,
    int label,
    double confidence,
    double threshold,
    double outOfDistributionScore,
    double outOfDistributionThreshold,
    List<Candidate> top,
    String modelVersion,
    byte[] image) {

  /** One of the likely digits. */
  public record Candidate(int digit, double probability) {}

  public ReviewRequest {
    top = top == null ? List.of() : List.copyOf(top);
  }
}
