package dev.digitstream.producer.verify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What came out of the pipeline for one run.
 *
 * @param predictions valid records with a prediction (each counted once)
 * @param missing valid, acknowledged records without a prediction
 * @param duplicated predictions or dead letters beyond the first for the same record
 * @param deadLettered malformed records found in the dead-letter topic
 * @param deadLettersMissing malformed, acknowledged records not found in the dead-letter topic
 * @param missingKeys the keys of the first (lowest-numbered) ten records counted in {@code missing}
 *     or {@code deadLettersMissing}, to look them up; empty when none is missing
 * @param wrongReason dead letters whose reason is not the one the record was built to trigger, or
 *     valid records that were dead-lettered
 * @param unexpected predictions that should not exist: for a malformed record, or undecodable
 * @param predictionsPerSecond the rate predictions arrived at, first to last
 * @param byModelVersion the predictions by the model version that made them (the {@code
 *     modelVersion} of each), in the order the versions first appeared
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
    Map<String, VersionFigures> byModelVersion) {

  public Verification {
    // a report written before these fields existed reads back with none
    missingKeys = missingKeys == null ? List.of() : List.copyOf(missingKeys);
    byModelVersion =
        byModelVersion == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(byModelVersion));
  }

  /** Correct predictions over labelled ones; null when none was labelled. */
  @JsonProperty(access = JsonProperty.Access.READ_ONLY)
  public Double accuracy() {
    return labelled == 0 ? null : (double) correct / labelled;
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
}
