package dev.digitstream.producer.verify;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What became of the records one source of a mix gave.
 *
 * @param sent its valid records the broker acknowledged: the ones expected downstream
 * @param predicted those that got a prediction (booked without a person)
 * @param reviewed those that went to the review topic
 */
public record SourceFigures(long sent, long predicted, long reviewed) {

  /** Reviewed over sent; null when none was sent. */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double reviewShare() {
    return sent == 0 ? null : (double) reviewed / sent;
  }

  /**
   * Predicted over sent; null when none was sent. For an out-of-distribution source, the share that
   * was wrongly booked as a digit.
   */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double predictedShare() {
    return sent == 0 ? null : (double) predicted / sent;
  }

  SourceFigures plus(SourceFigures other) {
    return new SourceFigures(
        sent + other.sent, predicted + other.predicted, reviewed + other.reviewed);
  }
}
