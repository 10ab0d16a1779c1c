package dev.digitstream.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model topic as read up to some offset: every published manifest, the statuses, the shadow
 * reports and the latest decision; and the lifecycle state of each version that follows from them.
 *
 * <p>States: the version decided last is {@value #SERVING}. One version at a time is scored in
 * {@value #SHADOW}: during a probation, the version a promotion replaced; otherwise the newest
 * {@value #CANDIDATE}, a version published after the serving one and never judged. A version with a
 * status is {@value ModelStatus#REJECTED} or {@value ModelStatus#RETIRED}; one published before the
 * serving version and never judged is {@value ModelStatus#RETIRED} too (the newest wins).
 */
public final class RegistrySnapshot {

  public static final String SERVING = "serving";
  public static final String SHADOW = "shadow";
  public static final String CANDIDATE = "candidate";

  /** Every state a version can be in, in lifecycle order. */
  public static final List<String> STATES =
      List.of(CANDIDATE, SHADOW, SERVING, ModelStatus.RETIRED, ModelStatus.REJECTED);

  private final Map<String, ModelManifest> manifests;
  private final Decision decision;
  private final Map<String, ModelStatus> statuses;
  private final Map<String, Map<String, ShadowReport>> reports;

  /**
   * @param manifests by version, in publication order
   * @param decision the latest decision, or null when none was made
   * @param statuses by version
   * @param reports by version scored, then by replica
   */
  public RegistrySnapshot(
      Map<String, ModelManifest> manifests,
      Decision decision,
      Map<String, ModelStatus> statuses,
      Map<String, Map<String, ShadowReport>> reports) {
    this.manifests = Collections.unmodifiableMap(new LinkedHashMap<>(manifests));
    this.decision = decision;
    this.statuses = Map.copyOf(statuses);
    Map<String, Map<String, ShadowReport>> copy = new HashMap<>();
    reports.forEach((version, byReplica) -> copy.put(version, Map.copyOf(byReplica)));
    this.reports = Map.copyOf(copy);
  }

  /** The published manifests by version, in publication order. */
  public Map<String, ModelManifest> manifests() {
    return manifests;
  }

  /** The latest decision, if any was made. */
  public Optional<Decision> decision() {
    return Optional.ofNullable(decision);
  }

  /** The version the latest decision says serves. */
  public Optional<String> serving() {
    return decision().map(Decision::version);
  }

  /** The status of a version, if it has one. */
  public Optional<ModelStatus> status(String version) {
    return Optional.ofNullable(statuses.get(version));
  }

  /** The replicas' latest reports for a version scored in shadow. */
  public Collection<ShadowReport> reports(String version) {
    return reports.getOrDefault(version, Map.of()).values();
  }

  /**
   * The version under probation: the one the latest decision replaced, when that decision was a
   * promotion and the replaced version is published and not yet judged.
   */
  public Optional<String> probation() {
    if (decision == null
        || !Decision.PROMOTE.equals(decision.action())
        || decision.previous() == null
        || !manifests.containsKey(decision.previous())
        || statuses.containsKey(decision.previous())) {
      return Optional.empty();
    }
    return Optional.of(decision.previous());
  }

  /**
   * The version to score in shadow beside {@code serving}: the one under {@link #probation()} when
   * probations are on, else the newest version published after {@code serving} that has no status.
   *
   * @param serving the version served (a replica started from a file may serve one that is not
   *     published)
   * @param probations whether a promoted version serves a probation with its predecessor in shadow
   */
  public Optional<String> shadowTarget(String serving, boolean probations) {
    if (probations) {
      Optional<String> probation = probation();
      if (probation.isPresent() && !probation.get().equals(serving)) {
        return probation;
      }
    }
    List<String> versions = new ArrayList<>(manifests.keySet());
    int from = versions.indexOf(serving) + 1; // 0 when serving is not published
    for (int i = versions.size() - 1; i >= from; i--) {
      String version = versions.get(i);
      if (!statuses.containsKey(version) && !version.equals(serving)) {
        return Optional.of(version);
      }
    }
    return Optional.empty();
  }

  /** The state of every published version (see the class comment), in publication order. */
  public Map<String, String> states(String serving, boolean probations) {
    Optional<String> shadow = shadowTarget(serving, probations);
    List<String> versions = new ArrayList<>(manifests.keySet());
    int servingIndex = versions.indexOf(serving);
    Map<String, String> states = new LinkedHashMap<>();
    for (int i = 0; i < versions.size(); i++) {
      String version = versions.get(i);
      ModelStatus status = statuses.get(version);
      String state;
      if (version.equals(serving)) {
        state = SERVING;
      } else if (shadow.isPresent() && shadow.get().equals(version)) {
        state = SHADOW;
      } else if (status != null) {
        state = status.state();
      } else if (i < servingIndex) {
        state = ModelStatus.RETIRED;
      } else {
        state = CANDIDATE;
      }
      states.put(version, state);
    }
    return states;
  }

  @Override
  public String toString() {
    return "RegistrySnapshot[manifests="
        + manifests.keySet()
        + ", decision="
        + decision
        + ", statuses="
        + statuses.keySet()
        + "]";
  }
}
