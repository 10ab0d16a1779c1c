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
 * </ul>
 */
public final class ModelTopic {

  /** The topic's default name. */
  public static final String DEFAULT_NAME = "models";

  /** The most model bytes in one chunk record: well under the broker's default record limit. */
  public static final int CHUNK_SIZE = 256 * 1024;

  /** The key of the one decision record. */
  public static final String DECISION_KEY = "decision";

  static final String MANIFEST_PREFIX = "manifest/";
  static final String CHUNK_PREFIX = "chunk/";

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
