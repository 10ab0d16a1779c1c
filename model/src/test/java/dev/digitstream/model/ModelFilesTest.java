package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFilesTest {

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    Nd4jRuntime.configure(1);
  }

  @Test
  void shouldLoadWhatItSavedWithIdenticalOutputsAndMetadata() throws IOException {
    LoadedModel model = TestModels.untrained(7);
    Path file = dir.resolve("model.zip");

    ModelFiles.save(model.network(), model.metadata(), file);
    LoadedModel loaded = ModelFiles.load(file);

    INDArray input = Nd4j.rand(DataType.FLOAT, 16, 784);
    assertThat(loaded.network().output(input).toFloatMatrix())
        .isDeepEqualTo(model.network().output(input).toFloatMatrix());
    assertThat(loaded.metadata()).isEqualTo(model.metadata());
    assertThat(ModelFiles.readMetadata(file).versionId()).hasSize(16);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void shouldDeriveTheVersionFromContentAndRecipe() {
    LoadedModel a = TestModels.untrained(1);
    LoadedModel sameSeed = TestModels.untrained(1);
    LoadedModel otherSeed = TestModels.untrained(2);

    assertThat(a.metadata().versionId())
        .isEqualTo(sameSeed.metadata().versionId())
        .isNotEqualTo(otherSeed.metadata().versionId());
    assertThat(
            ModelFiles.versionId(
                a.network(), "other-recipe", TestModels.HYPERPARAMETERS, 1, TestModels.DATASETS))
        .isNotEqualTo(a.metadata().versionId());
  }

  @Test
  void shouldReplaceAnExistingFileAtomically() throws IOException {
    Path file = dir.resolve("model.zip");
    LoadedModel first = TestModels.untrained(1);
    LoadedModel second = TestModels.untrained(2);
    ModelFiles.save(first.network(), first.metadata(), file);

    ModelFiles.save(second.network(), second.metadata(), file);

    assertThat(ModelFiles.load(file).metadata().versionId())
        .isEqualTo(second.metadata().versionId());
  }

  @Test
  void shouldNameAMissingFile() {
    Path missing = dir.resolve("missing.zip");

    assertThatThrownBy(() -> ModelFiles.load(missing))
        .isInstanceOf(ModelFileException.class)
        .hasMessage("model " + missing + ": file not found");
  }

  @Test
  void shouldRejectACorruptFile() throws IOException {
    LoadedModel model = TestModels.untrained(3);
    Path file = dir.resolve("model.zip");
    ModelFiles.save(model.network(), model.metadata(), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> ModelFiles.load(file))
        .isInstanceOf(ModelFileException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void shouldRejectAFileThatIsNotAZip() throws IOException {
    Path file = Files.writeString(dir.resolve("model.zip"), "hello");

    assertThatThrownBy(() -> ModelFiles.load(file))
        .hasMessageContaining("corrupt or not a model file");
  }

  @Test
  void shouldRejectAPlainDl4jFileWithoutMetadata() throws IOException {
    Path file = dir.resolve("plain.zip");
    ModelSerializer.writeModel(TestModels.untrained(1).network(), file.toFile(), false);

    assertThatThrownBy(() -> ModelFiles.load(file))
        .hasMessageContaining("not written by the digit-stream trainer");
  }

  @Test
  void shouldRejectAnotherArchitecture() throws IOException {
    Path file = TestModels.saveAnotherArchitecture(dir.resolve("mlp.zip"));

    assertThatThrownBy(() -> ModelFiles.load(file))
        .isInstanceOf(ModelFileException.class)
        .hasMessageContaining("is not the LeNet this pipeline serves");
  }

  @Test
  void shouldRejectWeightsThatDoNotMatchTheVersion() throws IOException {
    LoadedModel model = TestModels.untrained(4);
    ModelMetadata metadata = model.metadata();
    model.network().params().muli(1.01);
    Path file = dir.resolve("model.zip");
    ModelFiles.save(model.network(), metadata, file);

    assertThatThrownBy(() -> ModelFiles.load(file))
        .hasMessageContaining("does not match its version id " + metadata.versionId());
  }
}
