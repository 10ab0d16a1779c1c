package dev.digitstream.producer.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.digitstream.common.files.AtomicFiles;
import dev.digitstream.producer.search.RateSearch;
import dev.digitstream.producer.verify.Verification;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The figures of one producer run, as printed in the summary and written by {@code --report}. For
 * {@code --find-max-rate}, the run is the trial at the maximum (the last trial when none passed)
 * and {@code search} holds every trial.
 *
 * @param requestedRate records per second asked for; 0 = as fast as possible
 * @param verification null unless the run was verified
 * @param search null unless the run was a rate search
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
    String runId,
    Instant startedAt,
    String source,
    String topic,
    double requestedRate,
    Sent sent,
    Verification verification,
    Search search) {

  /** A run that was not a rate search. */
  public RunReport(
      String runId,
      Instant startedAt,
      String source,
      String topic,
      double requestedRate,
      Sent sent,
      Verification verification) {
    this(runId, startedAt, source, topic, requestedRate, sent, verification, null);
  }

  /** This run as the one a rate search reports. */
  public RunReport withSearch(Search search) {
    return new RunReport(
        runId, startedAt, source, topic, requestedRate, sent, verification, search);
  }

  /**
   * The publishing side.
   *
   * @param seconds from the first send to the last acknowledgement
   * @param recordsPerSecond records sent over {@code seconds}
   */
  public record Sent(
      long records,
      long malformed,
      long acknowledged,
      long errors,
      String firstError,
      long skippedFiles,
      double seconds,
      double recordsPerSecond) {}

  /**
   * A rate search ({@code --find-max-rate}): what a trial had to meet, where it searched, and what
   * it found.
   *
   * @param p99ObjectiveMs the p99 latency a passing trial stays within, milliseconds
   * @param stepSeconds how long each trial sent
   */
  public record Search(
      double p99ObjectiveMs,
      double stepSeconds,
      RateSearch.Bounds bounds,
      RateSearch.Result result) {}

  /** The producer's one JSON mapper. */
  static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public String toJson() throws IOException {
    return JSON.writeValueAsString(this);
  }

  public static RunReport fromJson(String json) throws IOException {
    return JSON.readValue(json, RunReport.class);
  }

  /** Writes the JSON report to {@code file} atomically: a reader never sees half a report. */
  public void write(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson());
  }
}
