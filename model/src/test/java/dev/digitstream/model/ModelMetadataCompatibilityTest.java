package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files outlive the code that wrote them (on disk and on the model topic): metadata written
 * before a field existed must still read, and what is written now must read back unchanged.
 */
class ModelMetadataCompatibilityTest {

  /** Metadata as the trainer wrote it before calibration existed, verbatim. */
  private static final String BEFORE_CALIBRATION =
      """
      {
        "versionId" : "1198692fe7eb20a6",
        "architecture" : "conv5x5x20-relu,maxpool2x2,conv5x5x50-relu,maxpool2x2,dense500-relu,output10-softmax",
        "activation" : "RELU",
        "parameters" : 1256080,
        "inputContract" : "mnist-28x28-u8-ink255/scale-div255",
        "recipe" : "default",
        "hyperparameters" : {
          "activation" : "relu",
          "optimizer" : "adam",
          "learningRate" : 0.001,
          "learningRateDecayPerEpoch" : 0.85,
          "batchSize" : 128,
          "epochs" : 2,
          "weightInit" : "RELU",
          "augmentationMaxShift" : 2
        },
        "seed" : 42,
        "datasets" : {
          "t10k-images-idx3-ubyte.gz" : "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
          "t10k-labels-idx1-ubyte.gz" : "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
          "train-images-idx3-ubyte.gz" : "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
          "train-labels-idx1-ubyte.gz" : "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
        },
        "testAccuracy" : 0.9877,
        "libraries" : {
          "deeplearning4j" : "unknown",
          "java" : "17.0.15",
          "nd4j-backend" : "CPU",
          "onednn" : "true"
        },
        "createdAt" : "2026-11-30T14:58:35.726Z"
      }
      """;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    Nd4jRuntime.configure(1);
  }

  @Test
  void shouldReadMetadataWrittenBeforeCalibrationAsUncalibrated() throws IOException {
    Path file = dir.resolve("old.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry(ModelFiles.METADATA_ENTRY));
      zip.write(BEFORE_CALIBRATION.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }

    ModelMetadata metadata = ModelFiles.readMetadata(file);

    assertThat(metadata.versionId()).isEqualTo("1198692fe7eb20a6");
    assertThat(metadata.testAccuracy()).isEqualTo(0.9877);
    assertThat(metadata.calibration()).isEqualTo(Calibration.NONE);
    assertThat(metadata.calibration().temperature()).isEqualTo(1.0);
    assertThat(metadata.calibration().thresholds()).isEmpty();
    assertThat(metadata.calibration().fitted()).isFalse();
  }

  @Test
  void shouldLoadAModelWhoseMetadataLacksTheCalibration() throws IOException {
    LoadedModel model = TestModels.untrained(5);
    Path written = dir.resolve("new.zip");
    ModelFiles.save(model.network(), model.metadata(), written);
    Path old = dir.resolve("old.zip");
    rewriteMetadata(written, old, json -> json.remove("calibration"));

    LoadedModel loaded = ModelFiles.load(old);

    assertThat(loaded.metadata()).isEqualTo(model.metadata());
    assertThat(loaded.metadata().calibration()).isEqualTo(Calibration.NONE);
  }

  @Test
  void shouldKeepTheCalibrationAndTheVersionThroughSaveAndLoad() throws IOException {
    LoadedModel model = TestModels.untrained(6);
    ModelMetadata m = model.metadata();
    Calibration calibration =
        new Calibration(
            1.37,
            6_000,
            0.012,
            0.004,
            List.of(
                new ConfidenceThreshold(
                    0.999,
                    0.99123456789,
                    new ConfidenceThreshold.Acceptance(6_000, 5_800, 5),
                    new ConfidenceThreshold.Acceptance(10_000, 9_700, 9)),
                new ConfidenceThreshold(
                    0.9999,
                    ConfidenceThreshold.ACCEPT_NONE,
                    new ConfidenceThreshold.Acceptance(6_000, 0, 0),
                    new ConfidenceThreshold.Acceptance(10_000, 0, 0))));
    ModelMetadata calibrated =
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
            m.createdAt(),
            calibration,
            null,
            null);
    Path file = dir.resolve("model.zip");

    ModelFiles.save(model.network(), calibrated, file);
    LoadedModel loaded = ModelFiles.load(file);

    assertThat(loaded.metadata()).isEqualTo(calibrated);
    assertThat(loaded.metadata().calibration().threshold(0.999).orElseThrow().reached()).isTrue();
    assertThat(loaded.metadata().calibration().threshold(0.9999).orElseThrow().reached()).isFalse();
    assertThat(loaded.metadata().versionId()).isEqualTo(m.versionId());
  }

  private static void rewriteMetadata(
      Path from, Path to, java.util.function.Consumer<ObjectNode> change) throws IOException {
    try (ZipFile in = new ZipFile(from.toFile());
        OutputStream file = Files.newOutputStream(to);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (ZipEntry entry : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream data = in.getInputStream(entry)) {
          if (entry.getName().equals(ModelFiles.METADATA_ENTRY)) {
            ObjectNode json = (ObjectNode) ModelJson.MAPPER.readTree(data);
            change.accept(json);
            out.write(ModelJson.MAPPER.writeValueAsBytes(json));
          } else {
            data.transferTo(out);
          }
        }
        out.closeEntry();
      }
    }
  }
}
