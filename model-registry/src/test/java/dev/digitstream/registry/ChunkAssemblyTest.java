package dev.digitstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.common.mnist.Sha256;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkAssemblyTest {

  private static final String VERSION = "0123456789abcdef";

  private final byte[] model = randomBytes(2 * ModelTopic.CHUNK_SIZE + 10);
  private final ModelManifest manifest =
      new ModelManifest(VERSION, Sha256.of(model), model.length, 3, "test", 0.5, Instant.EPOCH);

  @Test
  void shouldReassembleTheChunksInIndexOrderWhateverTheirArrivalOrder() {
    ChunkAssembly assembly = new ChunkAssembly(VERSION);
    assembly.accept(ModelTopic.chunkKey(VERSION, 2), chunk(2));
    assembly.accept(ModelTopic.chunkKey("another", 0), new byte[] {1});
    assembly.accept(ModelTopic.chunkKey(VERSION, 0), chunk(0));
    assembly.accept(ModelTopic.chunkKey(VERSION, 1), chunk(1));
    assembly.accept(ModelTopic.manifestKey(VERSION), RegistryJson.write(manifest));

    assertThat(assembly.bytes()).isEqualTo(model);
  }

  @Test
  void shouldTakeTheLatestValueOfAChunkKey() {
    ChunkAssembly assembly = new ChunkAssembly(VERSION);
    assembly.accept(ModelTopic.chunkKey(VERSION, 0), new byte[] {9, 9, 9});
    for (int i = 0; i < 3; i++) {
      assembly.accept(ModelTopic.chunkKey(VERSION, i), chunk(i));
    }
    assembly.accept(ModelTopic.manifestKey(VERSION), RegistryJson.write(manifest));

    assertThat(assembly.bytes()).isEqualTo(model);
  }

  @Test
  void shouldRefuseAMissingChunkNamingIt() {
    ChunkAssembly assembly = new ChunkAssembly(VERSION);
    assembly.accept(ModelTopic.chunkKey(VERSION, 0), chunk(0));
    assembly.accept(ModelTopic.chunkKey(VERSION, 2), chunk(2));
    assembly.accept(ModelTopic.manifestKey(VERSION), RegistryJson.write(manifest));

    assertThatThrownBy(assembly::bytes)
        .isInstanceOf(RegistryException.class)
        .hasMessage("model " + VERSION + ": chunk 1 of 3 missing");
  }

  @Test
  void shouldRefuseChunksWhoseHashDoesNotMatchTheManifest() {
    ChunkAssembly assembly = new ChunkAssembly(VERSION);
    for (int i = 0; i < 3; i++) {
      byte[] chunk = chunk(i);
      if (i == 1) {
        chunk[0] ^= 1;
      }
      assembly.accept(ModelTopic.chunkKey(VERSION, i), chunk);
    }
    assembly.accept(ModelTopic.manifestKey(VERSION), RegistryJson.write(manifest));

    assertThatThrownBy(assembly::bytes)
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("model " + VERSION + ": SHA-256 ")
        .hasMessageContaining("does not match the manifest's " + manifest.sha256());
  }

  @Test
  void shouldRefuseAVersionWithoutManifest() {
    ChunkAssembly assembly = new ChunkAssembly(VERSION);
    assembly.accept(ModelTopic.chunkKey(VERSION, 0), chunk(0));

    assertThatThrownBy(assembly::bytes)
        .hasMessage("model " + VERSION + " is not published (no manifest on the topic)");
  }

  private byte[] chunk(int index) {
    int from = index * ModelTopic.CHUNK_SIZE;
    return Arrays.copyOfRange(model, from, Math.min(model.length, from + ModelTopic.CHUNK_SIZE));
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }
}
