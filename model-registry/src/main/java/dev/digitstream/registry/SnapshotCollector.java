package dev.digitstream.registry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the manifests and the latest decision from a scan of the topic; chunk values are looked
 * at by key only and never kept. A record whose value does not parse is logged and skipped: a
 * foreign or newer writer must not stop replicas from reading the rest.
 */
final class SnapshotCollector {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCollector.class);

  private final Map<String, ModelManifest> manifests = new LinkedHashMap<>();
  private Decision decision;

  void accept(String key, byte[] value) {
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
  }

  RegistrySnapshot snapshot() {
    return new RegistrySnapshot(manifests, decision);
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
