package dev.digitstream.producer.verify;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The predictions one model version made in a run.
 *
 * @param predictions predictions it made (each record counted once)
 * @param labelled those of labelled records
 * @param correct those that matched the label
 */
public record VersionFigures(long predictions, long labelled, long correct) {

  /** Correct over labelled; null when none was labelled. */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double accuracy() {
    return labelled == 0 ? null : (double) correct / labelled;
  }

  VersionFigures plus(boolean hasLabel, boolean right) {
    return new VersionFigures(
        predictions + 1, labelled + (hasLabel ? 1 : 0), correct + (right ? 1 : 0));
  }
}
