package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What a loaded model must satisfy before it serves: it is the LeNet this pipeline serves, it was
 * trained on the input contract the pipeline feeds, and its content matches its version id.
 */
final class ModelChecks {

  private ModelChecks() {}

  static void verify(Path file, MultiLayerNetwork network, ModelMetadata metadata)
      throws ModelFileException {
    checkArchitecture(file, network, metadata);
    checkInputContract(file, metadata);
    checkVersion(file, network, metadata);
  }

  private static void checkArchitecture(
      Path file, MultiLayerNetwork network, ModelMetadata metadata) throws ModelFileException {
    String architecture = LeNet.describe(network.getLayerWiseConfigurations());
    String expected = LeNet.expectedDescription(metadata.activation());
    if (!architecture.equals(expected) || network.numParams() != LeNet.PARAMETERS) {
      throw new ModelFileException(
          file,
          "architecture %s with %d parameters is not the LeNet this pipeline serves (%s, %d)"
              .formatted(architecture, network.numParams(), expected, LeNet.PARAMETERS));
    }
  }

  private static void checkInputContract(Path file, ModelMetadata metadata)
      throws ModelFileException {
    if (!ImageRecord.CONTRACT.equals(metadata.inputContract())) {
      throw new ModelFileException(
          file,
          "trained for input contract '%s', this pipeline feeds '%s'"
              .formatted(metadata.inputContract(), ImageRecord.CONTRACT));
    }
  }

  private static void checkVersion(Path file, MultiLayerNetwork network, ModelMetadata metadata)
      throws ModelFileException {
    String actual =
        ModelVersion.of(
            network,
            metadata.recipe(),
            metadata.hyperparameters(),
            metadata.seed(),
            metadata.datasets());
    if (!actual.equals(metadata.versionId())) {
      throw new ModelFileException(
          file,
          "content does not match its version id %s (computed %s): corrupt or altered"
              .formatted(metadata.versionId(), actual));
    }
  }
}
