package dev.digitstream.registry;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the manifests, statuses, shadow reports and the latest decision from the model topic's
 * records, as a scan or a follower reads them; chunk values are looked at by key only and never
 * kept. A record whose value does not parse is logged and skipped: a foreign or newer writer must
 * not stop replicas from reading the rest. Not thread-safe.
 */
public final class SnapshotCollector {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCollector.class);

  private final Map<String, ModelManifest> manifests = new LinkedHashMap<>();
  private final Map<String, ModelStatus> statuses = new HashMap<>();
  private final Map<String, Map<String, ShadowReport>> reports = new HashMap<>();
  private Decision decision;

  /** Takes one record of the topic into account (a null value is a tombstone). */
  public void accept(String key, byte[] value) {
    if (ModelTopic.DECISION_KEY.equals(key)) {
      decision = value == null ? null : parse(key, value, Decision.class);
      return;
    }
    ModelTopic.manifestVersion(key)
        .ifPresent(
            version -> {
              ModelManifest manifest =
                  value == null ? null : parse(key, value, ModelManifest.class);
              if (manifest == null) {
                manifests.remove(version);
              } else if (!manifests.containsKey(version)) {
                manifests.put(version, manifest);
              } else {
                manifests.replace(version, manifest); // keeps its first publication's place
              }
            });
    ModelTopic.statusVersion(key)
        .ifPresent(
            version -> {
              ModelStatus status = value == null ? null : parse(key, value, ModelStatus.class);
              if (status == null) {
                statuses.remove(version);
              } else {
                statuses.put(version, status);
              }
            });
    ModelTopic.report(key)
        .ifPresent(
            id -> {
              ShadowReport report = value == null ? null : parse(key, value, ShadowReport.class);
              Map<String, ShadowReport> byReplica =
                  reports.computeIfAbsent(id.version(), v -> new HashMap<>());
              if (report == null) {
                byReplica.remove(id.replica());
              } else {
                byReplica.put(id.replica(), report);
              }
            });
  }

  /** What the records taken so far say. */
  public RegistrySnapshot snapshot() {
    return new RegistrySnapshot(manifests, decision, statuses, reports);
  }

  private static <T> T parse(String key, byte[] value, Class<T> type) {
    try {
      return RegistryJson.read(value, type);
    } catch (IOException e) {
      LOG.warn("unreadable record {} ignored ({})", key, e.getMessage());
      return null;
    }
  }
}
