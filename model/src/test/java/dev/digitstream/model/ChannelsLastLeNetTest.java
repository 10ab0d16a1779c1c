package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The forward pass against DL4J's own {@code MultiLayerNetwork.output} on the same weights. */
class ChannelsLastLeNetTest {

  @BeforeAll
  static void setUp() {
    Nd4jRuntime.configure(1);
  }

  /** A LeNet whose weights and biases are all random, so a bias or weight left out would show. */
  private static MultiLayerNetwork randomLeNet(Activation activation, long seed) {
    MultiLayerNetwork network = LeNet.create(activation, new Sgd(0.01), WeightInit.XAVIER, seed);
    Nd4j.getRandom().setSeed(seed);
    network.params().assign(Nd4j.rand(DataType.FLOAT, 1, LeNet.PARAMETERS).subi(0.5).muli(0.2));
    return network;
  }

  private static INDArray run(ChannelsLastLeNet lenet, INDArray images) {
    int n = (int) images.size(0);
    lenet.input().clear();
    lenet.input().put(images.ravel().toFloatVector());
    return Nd4j.create(lenet.forward(n));
  }

  private static void assertSameFunction(INDArray expected, INDArray actual) {
    assertThat(actual.shape()).containsExactly(expected.shape());
    assertThat(actual.argMax(1).toIntVector()).containsExactly(expected.argMax(1).toIntVector());
    assertThat(actual.ravel().toFloatVector())
        .containsExactly(expected.ravel().toFloatVector(), within(1e-5f));
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void shouldComputeWhatTheNetworkComputes(Activation activation) {
    MultiLayerNetwork trained = randomLeNet(activation, 7);
    INDArray images = Nd4j.rand(DataType.FLOAT, 16, 784);

    INDArray expected = trained.output(images);
    INDArray actual = run(new ChannelsLastLeNet(trained, 16), images);

    assertSameFunction(expected, actual);
    assertThat(expected.std(0).maxNumber().doubleValue())
        .as("the outputs depend on the image")
        .isGreaterThan(1e-3);
  }

  /**
   * Batches of every size share the same buffers; random sizes in random order, each against the
   * network, show that no size leaves anything behind for the next.
   */
  @ParameterizedTest
  @EnumSource(Activation.class)
  void shouldGiveTheNetworksAnswerForBatchesOfAnySizeInAnyOrder(Activation activation) {
    MultiLayerNetwork trained = randomLeNet(activation, 8);
    int maxBatch = 40;
    ChannelsLastLeNet lenet = new ChannelsLastLeNet(trained, maxBatch);
    Random random = new Random(activation.ordinal());

    for (int i = 0; i < 25; i++) {
      int n = i == 0 ? maxBatch : i == 1 ? 1 : 1 + random.nextInt(maxBatch);
      // pixels in [0, 1] as in training, and now and then far outside, as a corrupt scaling would
      double scale = random.nextInt(5) == 0 ? 50 : 1;
      INDArray images = Nd4j.rand(DataType.FLOAT, n, 784).muli(scale);

      assertSameFunction(trained.output(images), run(lenet, images));
    }
  }

  @Test
  void shouldKeepItsOwnCopyOfTheWeights() {
    MultiLayerNetwork trained = randomLeNet(Activation.RELU, 9);
    INDArray images = Nd4j.rand(DataType.FLOAT, 8, 784);
    ChannelsLastLeNet lenet = new ChannelsLastLeNet(trained, 8);
    INDArray before = trained.output(images);

    trained.params().muli(2);

    assertThat(trained.output(images).sub(before).amaxNumber().doubleValue())
        .as("the source network changed")
        .isGreaterThan(1e-3);
    assertSameFunction(before, run(lenet, images));
  }

  @Test
  void shouldRefuseAnotherArchitectureAndBatchesItWasNotSizedFor() {
    assertThatThrownBy(() -> new ChannelsLastLeNet(TestModels.anotherArchitecture(), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a LeNet");
    ChannelsLastLeNet lenet = new ChannelsLastLeNet(randomLeNet(Activation.RELU, 10), 4);
    assertThatThrownBy(() -> lenet.forward(5)).hasMessage("batch of 5, allowed 1..4");
    assertThatThrownBy(() -> lenet.forward(0)).hasMessage("batch of 0, allowed 1..4");
  }
}
