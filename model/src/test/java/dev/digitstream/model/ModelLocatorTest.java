package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the model a path names: {@link ModelFiles#resolve}. */
class ModelLocatorTest {

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    Nd4jRuntime.configure(1);
  }

  @Test
  void shouldTakeAFileOrTheModelOfARunFolder() throws IOException {
    Path run = dir.resolve("run-a");
    Path model = save(run, Instant.parse("2026-01-01T00:00:00Z"));

    assertThat(ModelFiles.resolve(model)).isEqualTo(model);
    assertThat(ModelFiles.resolve(run)).isEqualTo(model);
  }

  @Test
  void shouldTakeTheNewestModelOfAFolderOfRuns() throws IOException {
    save(dir.resolve("b-older"), Instant.parse("2026-01-01T00:00:00Z"));
    Path newest = save(dir.resolve("a-newer"), Instant.parse("2026-02-01T00:00:00Z"));
    Files.createDirectories(dir.resolve("not-a-run"));

    assertThat(ModelFiles.resolve(dir)).isEqualTo(newest);
  }

  @Test
  void shouldNameAFolderWithoutModels() throws IOException {
    Files.createDirectories(dir.resolve("empty-run"));

    assertThatThrownBy(() -> ModelFiles.resolve(dir))
        .isInstanceOf(ModelFileException.class)
        .hasMessage("model " + dir + ": no model.zip in this folder or its run folders");
    assertThatThrownBy(() -> ModelFiles.resolve(dir.resolve("missing")))
        .hasMessage("model " + dir.resolve("missing") + ": file not found");
  }

  private static Path save(Path run, Instant createdAt) throws IOException {
    LoadedModel model = TestModels.untrained(1);
    ModelMetadata m = model.metadata();
    ModelMetadata metadata =
        new ModelMetadata(
            m.versionId(),
            m.architecture(),
            m.activation(),
            m.parameters(),
            m.inputContract(),
            m.recipe(),
            m.hyperparameters(),
            m.seed(),
            m.datasets(),
            m.testAccuracy(),
            m.libraries(),
            createdAt,
            m.calibration(),
            m.outOfDistribution(),
            m.driftBaseline());
    Path file = run.resolve(ModelFiles.FILE_NAME);
    ModelFiles.save(model.network(), metadata, file);
    return file;
  }
}
