package dev.digitstream.streamapp.lifecycle;

import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelEvent;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.registry.ModelManifest;
import dev.digitstream.registry.ModelStatus;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.registry.RegistrySnapshot;
import dev.digitstream.registry.ShadowReport;
import dev.digitstream.streamapp.lifecycle.PromotionGate.Verdict;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides for the whole application, on the elected replica only: sums every replica's report on
 * the version in shadow, asks the {@link PromotionGate}, and records the verdict on the model topic
 * (a decision or a status) and as an event; then deletes the reports it judged on. Every replica,
 * this one included, then follows what the topic says.
 */
final class ModelDecider {

  private static final Logger LOG = LoggerFactory.getLogger(ModelDecider.class);

  private final PromotionGate gate;
  private final boolean probations;
  private final RegistryClient registry;
  private final ModelEvents events;
  private final String name;
  private String judged;

  ModelDecider(GatePolicy policy, RegistryClient registry, ModelEvents events) {
    this.gate = new PromotionGate(policy);
    this.probations = policy.probations();
    this.registry = registry;
    this.events = events;
    this.name = "decider@" + events.source();
  }

  /**
   * Judges the version in shadow, if its figures allow a verdict.
   *
   * @param snapshot the model topic, read to its end
   * @param serving the version this replica serves: the one decided last, or its MODEL_PATH model
   *     before any decision
   */
  void consider(RegistrySnapshot snapshot, String serving) {
    if (!snapshot.serving().map(serving::equals).orElse(true)) {
      return; // this replica has not followed the latest decision yet
    }
    Optional<String> target = snapshot.shadowTarget(serving, probations);
    if (target.isEmpty()) {
      return;
    }
    String version = target.get();
    String pair =
        version
            + " beside "
            + serving
            + " after decision "
            + snapshot.decision().map(Decision::sequence).orElse(0L);
    if (pair.equals(judged)) {
      return; // judged already; the topic does not show it yet
    }
    ShadowReport figures = ShadowReport.sum(version, serving, snapshot.reports(version));
    boolean probation = probations && snapshot.probation().filter(version::equals).isPresent();
    ModelManifest manifest = snapshot.manifests().get(version);
    Verdict verdict =
        probation ? gate.probation(figures) : gate.candidate(figures, manifest.testAccuracy());
    try {
      switch (verdict.outcome()) {
        case WAIT -> {
          return;
        }
        case PROMOTE -> {
          Decision d = registry.decide(version, Decision.PROMOTE, "gate: " + verdict.reason());
          events.emit(ModelEvent.PROMOTED, version, name, decided(d));
        }
        case REJECT -> {
          registry.judge(version, ModelStatus.REJECTED, "gate: " + verdict.reason());
          events.emit(ModelEvent.REJECTED, version, name, "gate: " + verdict.reason());
        }
        case ROLLBACK -> {
          Decision d =
              registry.decide(version, Decision.ROLLBACK, "probation: " + verdict.reason());
          events.emit(ModelEvent.ROLLED_BACK, version, name, decided(d));
          events.emit(
              ModelEvent.REJECTED,
              serving,
              name,
              "rolled back to " + version + ": " + verdict.reason());
        }
        case RETIRE -> {
          registry.judge(version, ModelStatus.RETIRED, verdict.reason());
          events.emit(ModelEvent.RETIRED, version, name, verdict.reason());
        }
      }
      judged = pair;
      List<String> replicas =
          snapshot.reports(version).stream().map(ShadowReport::replica).toList();
      registry.forgetReports(version, replicas);
    } catch (RuntimeException e) {
      LOG.warn("deciding on model {} failed ({}); trying again", version, e.getMessage());
    }
  }

  /** Records that a version none can load is rejected (its chunks are the same for everyone). */
  void reject(String version, String why) {
    try {
      registry.judge(version, ModelStatus.REJECTED, why);
      events.emit(ModelEvent.REJECTED, version, name, why);
    } catch (RuntimeException e) {
      LOG.warn("recording model {} as rejected failed ({})", version, e.getMessage());
    }
  }

  private static String decided(Decision d) {
    return "decision #%d, previous %s: %s".formatted(d.sequence(), d.previous(), d.reason());
  }
}
