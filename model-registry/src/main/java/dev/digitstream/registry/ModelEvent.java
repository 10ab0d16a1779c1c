package dev.digitstream.registry;

import java.time.Instant;

/**
 * One lifecycle transition, as a JSON record on the events topic (key: the version) and one log
 * line.
 *
 * @param at when it happened
 * @param event what happened: one of the constants here
 * @param version the version it happened to
 * @param source who made it happen: a replica's id, {@code decider@<replica>}, or {@code trainer}
 * @param reason why, with the figures behind it (may be null)
 */
public record ModelEvent(Instant at, String event, String version, String source, String reason) {

  /** Written to the model topic by {@code trainer publish}. */
  public static final String PUBLISHED = "published";

  /** A replica fetched, checked and warmed up a version and scores it in shadow. */
  public static final String SHADOW = "shadow";

  /** A replica could not fetch or load a version (missing or corrupt chunks, a foreign model). */
  public static final String REFUSED = "refused";

  /** Decided to serve, by the gate or by hand. */
  public static final String PROMOTED = "promoted";

  /** Refused by the gate. */
  public static final String REJECTED = "rejected";

  /** Decided to serve again after its successor was rolled back, automatically or by hand. */
  public static final String ROLLED_BACK = "rolled-back";

  /** Out of its successor's probation: no longer scored. */
  public static final String RETIRED = "retired";

  /** A replica serves this version from its next batch on. */
  public static final String SERVING = "serving";

  /** The log line of this event. */
  public String line() {
    return "model %s %s by %s%s"
        .formatted(version, event, source, reason == null ? "" : ": " + reason);
  }
}
