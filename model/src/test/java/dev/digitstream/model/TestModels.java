package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Sgd;

/** Untrained LeNets with valid metadata, for tests that need a model but not a good one. */
public final class TestModels {

  public static final Map<String, Object> HYPERPARAMETERS = Map.of("optimizer", "sgd", "epochs", 0);
  public static final Map<String, String> DATASETS = Map.of("t10k-images-idx3-ubyte.gz", "abc");

  private TestModels() {}

  public static LoadedModel untrained(long seed) {
    MultiLayerNetwork network =
        LeNet.create(Activation.RELU, new Sgd(0.01), WeightInit.XAVIER, seed);
    return new LoadedModel(network, metadataFor(network, seed));
  }

  /**
   * Writes a valid DL4J model with digit-stream metadata whose network is not the LeNet (a small
   * MLP) to {@code file}: what loading must refuse as another architecture.
   */
  public static Path saveAnotherArchitecture(Path file) throws IOException {
    MultiLayerNetwork mlp = anotherArchitecture();
    ModelFiles.save(mlp, metadataFor(mlp, 1), file);
    return file;
  }

  /** A small MLP on the same input and output: a network that is not the LeNet. */
  public static MultiLayerNetwork anotherArchitecture() {
    MultiLayerNetwork mlp =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(50).build())
                .layer(
                    new OutputLayer.Builder()
                        .nIn(50)
                        .nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                        .build())
                .build());
    mlp.init();
    return mlp;
  }

  public static ModelMetadata metadataFor(MultiLayerNetwork network, long seed) {
    return metadataFor(network, seed, 0.1);
  }

  /** Metadata for a network whose test accuracy is known. */
  public static ModelMetadata metadataFor(
      MultiLayerNetwork network, long seed, double testAccuracy) {
    return new ModelMetadata(
        ModelFiles.versionId(network, "test", HYPERPARAMETERS, seed, DATASETS),
        LeNet.describe(network.getLayerWiseConfigurations()),
        Activation.RELU,
        network.numParams(),
        ImageRecord.CONTRACT,
        "test",
        HYPERPARAMETERS,
        seed,
        DATASETS,
        testAccuracy,
        ModelFiles.libraryVersions(),
        Instant.parse("2026-01-01T00:00:00Z"),
        Calibration.NONE,
        OutOfDistribution.NONE,
        DriftBaseline.NONE);
  }
}
