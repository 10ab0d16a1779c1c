package dev.digitstream.registry;

import java.util.Map;
import java.util.Optional;

/**
 * The layout of the model topic: one partition, compacted, keyed so that compaction keeps exactly
 * what a replica needs.
 *
 * <ul>
 *   <li>{@code manifest/<version>}: a {@link ModelManifest} as JSON, written after all the chunks
 *       of its version, so a reader that sees a manifest can find every chunk;
 *   <li>{@code chunk/<version>/<index>}: up to {@link #CHUNK_SIZE} bytes of the model file, index 0
 *       first;
 *   <li>{@value #DECISION_KEY}: the latest {@link Decision} as JSON. One key, so compaction keeps
 *       only the latest; each decision names the version it replaced, so a rollback needs no
 *       history.
 *   <li>{@code status/<version>}: a {@link ModelStatus}, for a version that must not be shadowed
 *       again: rejected by the gate, rolled back, or retired after its probation;
 *   <li>{@code report/<version>/<replica>}: a {@link ShadowReport}, one replica's latest figures
 *       for the version it scores in shadow; deleted (tombstoned) once that version is judged.
 * </ul>
 */
public final class ModelTopic {

  /** The topic's default name. */
  public static final String DEFAULT_NAME = "models";

  /** The most model bytes in one chunk record: well under the broker's default record limit. */
  public static final int CHUNK_SIZE = 256 * 1024;

  /** The key of the one decision record. */
  public static final String DECISION_KEY = "decision";

  /** The default name of the topic of lifecycle events (JSON {@link ModelEvent}s). */
  public static final String DEFAULT_EVENTS_NAME = "model-events";

  static final String MANIFEST_PREFIX = "manifest/";
  static final String CHUNK_PREFIX = "chunk/";
  static final String STATUS_PREFIX = "status/";
  static final String REPORT_PREFIX = "report/";

  private ModelTopic() {}

  /**
   * The topic's configuration: compacted, so every version's latest manifest and chunks and the
   * latest decision stay forever, whatever the retention.
   */
  public static Map<String, String> topicConfig() {
    return Map.of(
        "cleanup.policy", "compact",
        // superseded values may go after a minute; nothing a reader needs is ever superseded
        "min.compaction.lag.ms", "60000");
  }

  /** {@code manifest/<version>}. */
  public static String manifestKey(String version) {
    return MANIFEST_PREFIX + version;
  }

  /** {@code chunk/<version>/<index>}. */
  public static String chunkKey(String version, int index) {
    return CHUNK_PREFIX + version + "/" + index;
  }

  /** {@code status/<version>}. */
  public static String statusKey(String version) {
    return STATUS_PREFIX + version;
  }

  /** {@code report/<version>/<replica>}. */
  public static String reportKey(String version, String replica) {
    return REPORT_PREFIX + version + "/" + replica;
  }

  /** How many chunks hold {@code size} bytes: at least one, even for an empty file. */
  public static int chunkCount(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    long chunks = Math.max(1, (size + CHUNK_SIZE - 1) / CHUNK_SIZE);
    if (chunks > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("model of " + size + " bytes is too large");
    }
    return (int) chunks;
  }

  /** The version a manifest key names, or empty for any other key. */
  public static Optional<String> manifestVersion(String key) {
    if (key == null
        || !key.startsWith(MANIFEST_PREFIX)
        || key.length() == MANIFEST_PREFIX.length()) {
      return Optional.empty();
    }
    return Optional.of(key.substring(MANIFEST_PREFIX.length()));
  }

  /** The version a status key names, or empty for any other key. */
  public static Optional<String> statusVersion(String key) {
    if (key == null || !key.startsWith(STATUS_PREFIX) || key.length() == STATUS_PREFIX.length()) {
      return Optional.empty();
    }
    return Optional.of(key.substring(STATUS_PREFIX.length()));
  }

  /**
   * The report a key names.
   *
   * @param version the version scored in shadow (version ids hold no {@code /})
   * @param replica the replica that scored it
   */
  public record ReportKey(String version, String replica) {}

  /** Parses {@code report/<version>/<replica>}; empty for any other key. */
  public static Optional<ReportKey> report(String key) {
    if (key == null || !key.startsWith(REPORT_PREFIX)) {
      return Optional.empty();
    }
    int slash = key.indexOf('/', REPORT_PREFIX.length());
    if (slash <= REPORT_PREFIX.length() || slash == key.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(
        new ReportKey(key.substring(REPORT_PREFIX.length(), slash), key.substring(slash + 1)));
  }

  /**
   * The chunk a key names, or empty for any other key.
   *
   * @param version the model version
   * @param index the chunk's place in the model file, from 0
   */
  public record ChunkKey(String version, int index) {}

  /** Parses {@code chunk/<version>/<index>}; empty for any other key. */
  public static Optional<ChunkKey> chunk(String key) {
    if (key == null || !key.startsWith(CHUNK_PREFIX)) {
      return Optional.empty();
    }
    int slash = key.lastIndexOf('/');
    if (slash <= CHUNK_PREFIX.length()) {
      return Optional.empty();
    }
    try {
      int index = Integer.parseInt(key.substring(slash + 1));
      return index < 0
          ? Optional.empty()
          : Optional.of(new ChunkKey(key.substring(CHUNK_PREFIX.length(), slash), index));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
