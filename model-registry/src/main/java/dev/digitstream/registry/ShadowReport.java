package dev.digitstream.registry;

import java.time.Instant;
import java.util.Collection;

/**
 * One replica's figures for a version it scores in shadow beside the version it serves, on the same
 * records: the value of a {@code report/<version>/<replica>} record, as JSON. Counts are cumulative
 * since that replica began scoring this pair.
 *
 * @param replica the replica that scored
 * @param version the version scored in shadow
 * @param serving the version served while scoring: figures against another one are not comparable
 * @param scored records scored by both
 * @param labelled of those, records with a label
 * @param servingCorrect labelled records the serving version got right
 * @param shadowCorrect labelled records the shadow version got right
 * @param servingOnlyCorrect labelled records only the serving version got right
 * @param shadowOnlyCorrect labelled records only the shadow version got right
 * @param disagreements scored records on which the two named different digits
 * @param shadowNanos time spent in shadow inference
 * @param at when these figures were taken
 */
public record ShadowReport(
    String replica,
    String version,
    String serving,
    long scored,
    long labelled,
    long servingCorrect,
    long shadowCorrect,
    long servingOnlyCorrect,
    long shadowOnlyCorrect,
    long disagreements,
    long shadowNanos,
    Instant at) {

  /** The figures of several replicas for the same pair, added up; {@code replica} is "all". */
  public static ShadowReport sum(String version, String serving, Collection<ShadowReport> reports) {
    long scored = 0;
    long labelled = 0;
    long servingCorrect = 0;
    long shadowCorrect = 0;
    long servingOnly = 0;
    long shadowOnly = 0;
    long disagreements = 0;
    long nanos = 0;
    Instant at = Instant.EPOCH;
    for (ShadowReport r : reports) {
      if (!r.version().equals(version) || !r.serving().equals(serving)) {
        continue;
      }
      scored += r.scored();
      labelled += r.labelled();
      servingCorrect += r.servingCorrect();
      shadowCorrect += r.shadowCorrect();
      servingOnly += r.servingOnlyCorrect();
      shadowOnly += r.shadowOnlyCorrect();
      disagreements += r.disagreements();
      nanos += r.shadowNanos();
      at = r.at().isAfter(at) ? r.at() : at;
    }
    return new ShadowReport(
        "all",
        version,
        serving,
        scored,
        labelled,
        servingCorrect,
        shadowCorrect,
        servingOnly,
        shadowOnly,
        disagreements,
        nanos,
        at);
  }
}
