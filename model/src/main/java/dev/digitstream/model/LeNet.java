package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The LeNet of the Keras tutorial, exactly: input 28x28x1; conv 20@5x5 'same', activation, max-pool
 * 2x2/2; conv 50@5x5 'same', activation, max-pool 2x2/2; dense 500, activation; dense 10 softmax.
 * 1,256,080 parameters.
 */
public final class LeNet {

  /** Parameter count of the network, whatever the activation. */
  public static final long PARAMETERS = 1_256_080L;

  /**
   * Floating-point operations of one forward pass (2 per multiply-add): conv1 28x28x20 outputs of
   * 5x5x1, conv2 14x14x50 of 5x5x20, dense 2,450x500 and 500x10; pooling and activations are
   * negligible. 13.0 MFLOP, so a machine doing G GFLOP/s of GEMM tops out near G / 0.013 images/s.
   */
  public static final long FLOPS_PER_IMAGE =
      2L * (28 * 28 * 20 * 25 + 14 * 14 * 50 * 25 * 20 + 2_450 * 500 + 500 * 10);

  /** The architecture's sizes, shared by the configuration and {@link ChannelsLastLeNet}. */
  static final int KERNEL = 5;

  static final int CONV1_FILTERS = 20;
  static final int CONV2_FILTERS = 50;
  static final int HIDDEN_UNITS = 500;

  /** Layer indices: convolution, pooling, convolution, pooling, dense, output. */
  static final int CONV1_LAYER = 0;

  static final int CONV2_LAYER = 2;
  static final int DENSE_LAYER = 4;
  static final int OUTPUT_LAYER = 5;

  /**
   * Channels first, DL4J's default, in which models are trained and saved; inference reorders to
   * channels last itself ({@link ChannelsLastLeNet}).
   */
  private static final CNN2DFormat FORMAT = CNN2DFormat.NCHW;

  private LeNet() {}

  /**
   * The network configuration.
   *
   * @param activation hidden-layer activation
   * @param updater the optimiser, with its learning-rate schedule
   * @param weightInit initial weight distribution
   * @param seed seed of the weight initialisation
   */
  public static MultiLayerConfiguration configuration(
      Activation activation, IUpdater updater, WeightInit weightInit, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater)
        .weightInit(weightInit)
        .convolutionMode(ConvolutionMode.Same)
        .list()
        .layer(
            new ConvolutionLayer.Builder(KERNEL, KERNEL)
                .nOut(CONV1_FILTERS)
                .stride(1, 1)
                .dataFormat(FORMAT)
                .activation(activation.dl4j())
                .build())
        .layer(maxPool())
        .layer(
            new ConvolutionLayer.Builder(KERNEL, KERNEL)
                .nOut(CONV2_FILTERS)
                .stride(1, 1)
                .dataFormat(FORMAT)
                .activation(activation.dl4j())
                .build())
        .layer(maxPool())
        .layer(new DenseLayer.Builder().nOut(HIDDEN_UNITS).activation(activation.dl4j()).build())
        .layer(
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(ImageRecord.CLASSES)
                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                .build())
        .setInputType(InputType.convolutionalFlat(ImageRecord.HEIGHT, ImageRecord.WIDTH, 1))
        .build();
  }

  /** A new, initialised network. */
  public static MultiLayerNetwork create(
      Activation activation, IUpdater updater, WeightInit weightInit, long seed) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(configuration(activation, updater, weightInit, seed));
    network.init();
    return network;
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(2, 2)
        .stride(2, 2)
        .dataFormat(FORMAT)
        .build();
  }

  /**
   * A one-line description of a network's architecture, such as {@code
   * conv5x5x20-relu,maxpool2x2,...}; two networks of the same architecture give the same string.
   */
  public static String describe(MultiLayerConfiguration configuration) {
    List<String> parts = new ArrayList<>();
    for (NeuralNetConfiguration layerConf : configuration.getConfs()) {
      var layer = layerConf.getLayer();
      if (layer instanceof ConvolutionLayer c) {
        parts.add(
            "conv%dx%dx%d-%s"
                .formatted(
                    c.getKernelSize()[0], c.getKernelSize()[1], c.getNOut(), activationOf(c)));
      } else if (layer instanceof SubsamplingLayer s) {
        parts.add(
            "%spool%dx%d"
                .formatted(
                    s.getPoolingType().name().toLowerCase(java.util.Locale.ROOT),
                    s.getKernelSize()[0],
                    s.getKernelSize()[1]));
      } else if (layer instanceof OutputLayer o) {
        parts.add("output%d-%s".formatted(o.getNOut(), activationOf(o)));
      } else if (layer instanceof DenseLayer d) {
        parts.add("dense%d-%s".formatted(d.getNOut(), activationOf(d)));
      } else {
        parts.add(layer.getClass().getSimpleName());
      }
    }
    return String.join(",", parts);
  }

  /** The description {@link #describe} gives for a LeNet with this activation. */
  public static String expectedDescription(Activation activation) {
    return describe(configuration(activation, new Sgd(), WeightInit.XAVIER, 0));
  }

  private static String activationOf(FeedForwardLayer layer) {
    return layer.getActivationFn().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
