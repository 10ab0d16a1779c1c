package dev.digitstream.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/** Where and when a model was made: library versions and the creation time of its metadata. */
final class Provenance {

  private Provenance() {}

  static Map<String, String> libraryVersions() {
    Map<String, String> versions = new TreeMap<>();
    versions.put("java", System.getProperty("java.version"));
    versions.put("deeplearning4j", packageVersion(MultiLayerNetwork.class));
    versions.put(
        "nd4j-backend",
        String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().get("backend")));
    versions.put("onednn", String.valueOf(Nd4jRuntime.oneDnnAvailable()));
    return versions;
  }

  private static String packageVersion(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }

  /** Truncated to milliseconds for stable JSON. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
