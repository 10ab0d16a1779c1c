package dev.digitstream.registry;

import java.time.Instant;

/**
 * The value of a {@code status/<version>} record, as JSON: a version that is out of the running for
 * good.
 *
 * @param version the model version
 * @param state {@value #REJECTED} or {@value #RETIRED}
 * @param reason why, with the figures behind it
 * @param at when
 */
public record ModelStatus(String version, String state, String reason, Instant at) {

  /** Refused by the gate, or rolled back: never shadowed again. */
  public static final String REJECTED = "rejected";

  /** Served, then replaced and out of its successor's probation. */
  public static final String RETIRED = "retired";
}
