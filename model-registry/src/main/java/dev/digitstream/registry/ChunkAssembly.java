package dev.digitstream.registry;

import dev.digitstream.common.mnist.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one version's manifest and chunks from a scan of the topic (the latest value of each key
 * wins, as compaction would have it), then puts the model file back together and checks it against
 * the manifest.
 */
final class ChunkAssembly {

  private static final Logger LOG = LoggerFactory.getLogger(ChunkAssembly.class);

  private final String version;
  private final Map<Integer, byte[]> chunks = new HashMap<>();
  private ModelManifest manifest;

  ChunkAssembly(String version) {
    this.version = version;
  }

  void accept(String key, byte[] value) {
    if (ModelTopic.manifestKey(version).equals(key)) {
      manifest = value == null ? null : parse(value);
      return;
    }
    ModelTopic.chunk(key)
        .filter(chunk -> chunk.version().equals(version))
        .ifPresent(
            chunk -> {
              if (value == null) {
                chunks.remove(chunk.index());
              } else {
                chunks.put(chunk.index(), value);
              }
            });
  }

  /** The model file's bytes, complete and matching the manifest's SHA-256. */
  byte[] bytes() {
    if (manifest == null) {
      throw new RegistryException(
          "model " + version + " is not published (no manifest on the topic)");
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < manifest.chunks(); i++) {
      if (!chunks.containsKey(i)) {
        missing.add(i);
      }
    }
    if (!missing.isEmpty()) {
      throw new RegistryException(
          "model %s: chunk%s %s of %d missing"
              .formatted(
                  version,
                  missing.size() == 1 ? "" : "s",
                  missing.size() == 1 ? missing.get(0) : missing,
                  manifest.chunks()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) manifest.size());
    for (int i = 0; i < manifest.chunks(); i++) {
      out.writeBytes(chunks.get(i));
    }
    byte[] bytes = out.toByteArray();
    String sha256 = Sha256.of(bytes);
    if (!sha256.equals(manifest.sha256())) {
      throw new RegistryException(
          "model %s: SHA-256 %s of its %d chunks (%d bytes) does not match the manifest's %s (%d bytes)"
              .formatted(
                  version,
                  sha256,
                  manifest.chunks(),
                  bytes.length,
                  manifest.sha256(),
                  manifest.size()));
    }
    return bytes;
  }

  private ModelManifest parse(byte[] value) {
    try {
      return RegistryJson.read(value, ModelManifest.class);
    } catch (IOException e) {
      LOG.warn("model {}: unreadable manifest record ignored ({})", version, e.getMessage());
      return null;
    }
  }
}
