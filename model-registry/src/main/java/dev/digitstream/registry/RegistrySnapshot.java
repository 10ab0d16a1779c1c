package dev.digitstream.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The model topic as read up to its end: every published manifest and the latest decision. */
public final class RegistrySnapshot {

  private final Map<String, ModelManifest> manifests;
  private final Decision decision;

  /**
   * @param manifests by version, in publication order
   * @param decision the latest decision, or null when none was made
   */
  public RegistrySnapshot(Map<String, ModelManifest> manifests, Decision decision) {
    this.manifests = Collections.unmodifiableMap(new LinkedHashMap<>(manifests));
    this.decision = decision;
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

  @Override
  public String toString() {
    return "RegistrySnapshot[manifests=" + manifests.keySet() + ", decision=" + decision + "]";
  }
}
