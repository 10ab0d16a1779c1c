package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class LeNetTest {

  /** The helper of each layer when convolution and pooling run on oneDNN. */
  private static final String[] ONEDNN_HELPERS = {
    "MKLDNNConvHelper",
    "MKLDNNSubsamplingHelper",
    "MKLDNNConvHelper",
    "MKLDNNSubsamplingHelper",
    "none",
    "none"
  };

  @BeforeAll
  static void setUp() {
    Nd4jRuntime.configure(1);
  }

  @Test
  void shouldHaveTheTutorialArchitectureAndParameterCount() {
    MultiLayerNetwork network = LeNet.create(Activation.RELU, new Sgd(0.01), WeightInit.XAVIER, 1);

    assertThat(network.numParams()).isEqualTo(1_256_080L).isEqualTo(LeNet.PARAMETERS);
    assertThat(LeNet.describe(network.getLayerWiseConfigurations()))
        .isEqualTo(
            "conv5x5x20-relu,maxpool2x2,conv5x5x50-relu,maxpool2x2,dense500-relu,output10-softmax");
    assertThat(network.layerInputSize(4)).as("flattened 7x7x50 feature map").isEqualTo(2450);
    INDArray out = network.output(Nd4j.rand(DataType.FLOAT, 3, 784));
    assertThat(out.shape()).containsExactly(3, 10);
    assertThat(out.sumNumber().doubleValue())
        .isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void shouldUseTanhEverywhereButTheOutputWhenAsked() {
    assertThat(LeNet.expectedDescription(Activation.TANH))
        .isEqualTo(
            "conv5x5x20-tanh,maxpool2x2,conv5x5x50-tanh,maxpool2x2,dense500-tanh,output10-softmax");
  }

  @Test
  void shouldRunConvolutionAndPoolingOnOneDnnHelpers() {
    assertThat(Nd4jRuntime.oneDnnAvailable()).as("ND4J natives built with oneDNN").isTrue();
    MultiLayerNetwork network = LeNet.create(Activation.RELU, new Sgd(0.01), WeightInit.XAVIER, 1);

    // a training step and an inference pass; helpers that fail at run time are dropped by DL4J
    INDArray features = Nd4j.rand(DataType.FLOAT, 8, 784);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
    for (int i = 0; i < 8; i++) {
      labels.putScalar(i, i, 1f);
    }
    network.fit(features, labels);
    network.output(features);

    assertThat(Nd4jRuntime.layerHelpers(network)).containsExactly(ONEDNN_HELPERS);
  }
}
