package dev.digitstream.model;

import dev.digitstream.common.mnist.Sha256;
import dev.digitstream.contract.ImageRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The version id of a trained network: a content hash, so that the same training run gives the same
 * id and any change to what the model computes, or to how it was made, gives another.
 */
final class ModelVersion {

  private ModelVersion() {}

  /**
   * A hash of the weights, architecture, the input contract, recipe, seed and data set checksums
   * (everything in the metadata but the version, accuracy, libraries, time and calibration).
   */
  static String of(
      MultiLayerNetwork network,
      String recipe,
      Map<String, Object> hyperparameters,
      long seed,
      Map<String, String> datasets) {
    MessageDigest digest = Sha256.digest();
    float[] weights = network.params().toFloatVector();
    ByteBuffer bytes =
        ByteBuffer.allocate(weights.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(weights);
    digest.update(bytes);
    try {
      // sorted maps: the same inputs always serialise to the same bytes
      digest.update(
          ModelJson.MAPPER.writeValueAsBytes(
              new TreeMap<>(
                  Map.of(
                      "architecture",
                      LeNet.describe(network.getLayerWiseConfigurations()),
                      "inputContract",
                      ImageRecord.CONTRACT,
                      "recipe",
                      recipe,
                      "hyperparameters",
                      new TreeMap<>(hyperparameters),
                      "seed",
                      seed,
                      "datasets",
                      new TreeMap<>(datasets)))));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise version inputs", e);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }
}
