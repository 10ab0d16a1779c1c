package dev.digitstream.trainer.cli;

import dev.digitstream.registry.Decision;

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
}
