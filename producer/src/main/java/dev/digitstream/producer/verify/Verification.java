package dev.digitstream.producer.verify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What came out of the pipeline for one run.
 *
 * @param predictions valid records with a prediction (each counted once): the accepted ones
 * @param missing valid, acknowledged records with neither a prediction nor a review request
 * @param duplicated predictions, review requests or dead letters beyond the first for the same
 *     record, in one topic or across them
 * @param deadLettered malformed records found in the dead-letter topic
 * @param deadLettersMissing malformed, acknowledged records not found in the dead-letter topic
 * @param missingKeys the keys of the first (lowest-numbered) ten records counted in {@code missing}
 *     or {@code deadLettersMissing}, to look them up; empty when none is missing
 * @param wrongReason dead letters whose reason is not the one the record was built to trigger, or
 *     valid records that were dead-lettered
 * @param unexpected predictions or review requests that should not exist: for a malformed record,
 *     or undecodable
 * @param predictionsPerSecond the rate predictions arrived at, first to last
 * @param latency from the intended send time to the prediction or review request
 * @param labelled predictions of labelled records
 * @param correct those that matched the label
 * @param byModelVersion the predictions by the model version that made them (the {@code
 *     modelVersion} of each), in the order the versions first appeared
 * @param reviewed valid records sent to the review topic instead of a prediction (each counted
 *     once)
 * @param reviewedByReason the review requests by their {@code reason}, in name order
 * @param bySource for a mixed source ({@code --mix}), what became of each source's records, in the
 *     order the sources first appeared; empty otherwise
 */
public record Verification(
    long predictions,
    long missing,
    long duplicated,
    long deadLettered,
    long deadLettersMissing,
    List<String> missingKeys,
    long wrongReason,
    Map<String, Long> deadLettersByReason,
    long unexpected,
    double predictionsPerSecond,
    Latency latency,
    long labelled,
    long correct,
    Map<String, VersionFigures> byModelVersion,
    long reviewed,
    Map<String, Long> reviewedByReason,
    Map<String, SourceFigures> bySource) {

  public Verification {
    // a report written before these fields existed reads back with none
    missingKeys = missingKeys == null ? List.of() : List.copyOf(missingKeys);
    byModelVersion = ordered(byModelVersion);
    reviewedByReason =
        reviewedByReason == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(reviewedByReason));
    bySource = ordered(bySource);
  }

  /**
   * The accepted accuracy: correct predictions over labelled ones, review requests left out (a
   * person decides those); null when no prediction was labelled.
   */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double accuracy() {
    return labelled == 0 ? null : (double) correct / labelled;
  }

  /**
   * The share of valid records the pipeline booked on its own: predictions over predictions and
   * review requests; null when there was neither.
   */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double coverage() {
    long decided = predictions + reviewed;
    return decided == 0 ? null : (double) predictions / decided;
  }

  /** Whether every record is accounted for exactly once, with the right outcome. */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public boolean complete() {
    return missing == 0
        && duplicated == 0
        && deadLettersMissing == 0
        && wrongReason == 0
        && unexpected == 0;
  }

  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
