package dev.digitstream.registry;

import java.time.Instant;

/**
 * Which model version serves: the value of the one {@value ModelTopic#DECISION_KEY} record, as
 * JSON.
 *
 * @param sequence the previous decision's sequence + 1; 1 for the first
 * @param version the version that serves from now on
 * @param action {@value #PROMOTE} or {@value #ROLLBACK}
 * @param previous the version that served before this decision, or null for the first
 * @param reason why, as the person or job deciding wrote it (may be null)
 * @param at when it was decided
 */
public record Decision(
    long sequence, String version, String action, String previous, String reason, Instant at) {

  /** A new version serves. */
  public static final String PROMOTE = "promote";

  /** An earlier version serves again. */
  public static final String ROLLBACK = "rollback";

  /** Whether {@code action} is one of the two actions. */
  public static boolean isAction(String action) {
    return PROMOTE.equals(action) || ROLLBACK.equals(action);
  }
}
