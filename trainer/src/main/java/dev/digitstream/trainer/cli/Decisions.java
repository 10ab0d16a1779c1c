package dev.digitstream.trainer.cli;

import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelEvent;
import dev.digitstream.registry.ModelEvents;

/** How the registry commands describe a decision, in one line. */
final class Decisions {

  private Decisions() {}

  /** {@code <verb> <version> on topic <t> (decision #n, previous <p>|none[, reason: ...])}. */
  static String describe(String verb, Decision decision, String topic) {
    return "%s %s on topic %s (decision #%d, previous %s%s)"
        .formatted(
            verb,
            decision.version(),
            topic,
            decision.sequence(),
            decision.previous() == null ? "none" : decision.previous(),
            decision.reason() == null ? "" : ", reason: " + decision.reason());
  }

  /**
   * The events of a decision by hand: the version decided, and for a rollback also the version
   * rolled back from, now rejected.
   */
  static void emit(ModelEvents events, String event, Decision decision) {
    String why =
        "by hand, decision #%d, previous %s%s"
            .formatted(
                decision.sequence(),
                decision.previous() == null ? "none" : decision.previous(),
                decision.reason() == null ? "" : ": " + decision.reason());
    events.emit(event, decision.version(), why);
    if (Decision.ROLLBACK.equals(decision.action()) && decision.previous() != null) {
      events.emit(ModelEvent.REJECTED, decision.previous(), "rolled back to " + decision.version());
    }
  }
}
