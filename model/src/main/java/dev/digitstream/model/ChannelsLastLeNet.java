package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.MaxPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained LeNet's forward pass for inference, as native operations on arrays allocated once.
 * Against DL4J's {@code MultiLayerNetwork.output} on the same weights it saves, per batch:
 *
 * <ul>
 *   <li>the layouts: activations stay channels-last (NHWC), in which oneDNN's convolutions and
 *       pooling ran 25-35 % faster on this project's CPUs than in the channels-first layout the
 *       models are trained in, and no layer converts between the two;
 *   <li>the allocations and copies DL4J makes between layers (five array copies per pass);
 *   <li>three quarters of the activation work: the activation runs after each max-pooling instead
 *       of before, on a quarter of the elements. Both activations the project trains (ReLU, tanh)
 *       are non-decreasing, and a non-decreasing f has max(f(a), f(b)) = f(max(a, b)) exactly, so
 *       the result is the same number.
 * </ul>
 *
 * <p>The dense layers multiply on ND4J's matmul operation, which runs on oneDNN into row-major
 * results (DL4J's own dense layers run on OpenBLAS). The dense layer's weight rows are reordered
 * once from the (channel, y, x) order of a channels-first flatten to (y, x, channel). The weights
 * are copied, so the source network may go on training. BENCHMARKS.md ("The forward pass (third
 * session)") has the figures.
 *
 * <p><b>Not thread-safe</b>: one instance per thread.
 */
final class ChannelsLastLeNet {

  private static final int SIDE = ImageRecord.WIDTH;
  private static final int CONV1 = LeNet.CONV1_FILTERS;
  private static final int CONV2 = LeNet.CONV2_FILTERS;
  private static final int POOLED_SIZE = SIDE / 4;
  private static final int FLAT = POOLED_SIZE * POOLED_SIZE * CONV2;
  private static final int HIDDEN = LeNet.HIDDEN_UNITS;
  private static final int CLASSES = ImageRecord.CLASSES;

  private static final Conv2DConfig CONVOLUTION =
      Conv2DConfig.builder()
          .kH(LeNet.KERNEL)
          .kW(LeNet.KERNEL)
          .sH(1)
          .sW(1)
          .dH(1)
          .dW(1)
          .paddingMode(PaddingMode.SAME)
          .dataFormat(Conv2DConfig.NHWC)
          // DL4J keeps convolution weights as [out channels, in channels, y, x]
          .weightsFormat(WeightsFormat.OIYX)
          .build();

  private static final Pooling2DConfig MAX_POOL =
      Pooling2DConfig.builder()
          .kH(2)
          .kW(2)
          .sH(2)
          .sW(2)
          .dH(1)
          .dW(1)
          .type(Pooling2D.Pooling2DType.MAX)
          .paddingMode(PaddingMode.VALID)
          .isNHWC(true)
          .build();

  private final int maxBatch;
  private final IActivation activation;
  private final IActivation softmax;
  private final INDArray conv1Weights;
  private final INDArray conv1Bias;
  private final INDArray conv2Weights;
  private final INDArray conv2Bias;
  private final INDArray denseWeights;
  private final INDArray denseBias;
  private final INDArray outputWeights;
  private final INDArray outputBias;

  /** Buffers of the largest batch; a smaller batch uses their beginning. */
  private final DataBuffer input;

  private final DataBuffer convolved;
  private final DataBuffer pooled;
  private final DataBuffer hidden;
  private final DataBuffer probabilities;
  private final FloatBuffer probabilitiesOut;

  /** The operations of each batch size, made on first use. */
  private final Pass[] passes;

  /**
   * @param trained a LeNet, either activation
   * @param maxBatch the largest batch {@link #forward} will be asked for
   * @throws IllegalArgumentException if {@code trained} is not a LeNet
   */
  ChannelsLastLeNet(MultiLayerNetwork trained, int maxBatch) {
    String description = LeNet.describe(trained.getLayerWiseConfigurations());
    if (Arrays.stream(Activation.values())
        .map(LeNet::expectedDescription)
        .noneMatch(description::equals)) {
      throw new IllegalArgumentException("not a LeNet: " + description);
    }
    this.maxBatch = maxBatch;
    this.activation = activationOf(trained, LeNet.CONV1_LAYER);
    this.softmax = activationOf(trained, LeNet.OUTPUT_LAYER);
    this.conv1Weights = weights(trained, LeNet.CONV1_LAYER).dup('c');
    this.conv1Bias = bias(trained, LeNet.CONV1_LAYER);
    this.conv2Weights = weights(trained, LeNet.CONV2_LAYER).dup('c');
    this.conv2Bias = bias(trained, LeNet.CONV2_LAYER);
    this.denseWeights = channelsFirstToLast(weights(trained, LeNet.DENSE_LAYER));
    this.denseBias = bias(trained, LeNet.DENSE_LAYER).reshape(1, HIDDEN);
    this.outputWeights = weights(trained, LeNet.OUTPUT_LAYER).dup('c');
    this.outputBias = bias(trained, LeNet.OUTPUT_LAYER).reshape(1, CLASSES);
    // conv1's output is dead once pooled and conv2's input is dead once convolved: one buffer
    // serves both convolutions and one both poolings
    this.input = buffer(ImageRecord.SIZE);
    this.convolved = buffer(Math.max(SIDE * SIDE * CONV1, (SIDE / 2) * (SIDE / 2) * CONV2));
    this.pooled = buffer(Math.max((SIDE / 2) * (SIDE / 2) * CONV1, FLAT));
    this.hidden = buffer(HIDDEN);
    this.probabilities = buffer(CLASSES);
    this.probabilitiesOut = probabilities.asNioFloat();
    this.passes = new Pass[maxBatch + 1];
  }

  /**
   * The input of the largest batch, {@code maxBatch x 784} floats, image {@code i} at {@code i x
   * 784}, pixels scaled as in training.
   */
  FloatBuffer input() {
    return input.asNioFloat();
  }

  /**
   * Classifies the first {@code n} images of {@link #input()}.
   *
   * @return their class probabilities, one row of 10 per image
   */
  float[][] forward(int n) {
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + ", allowed 1.." + maxBatch);
    }
    Pass pass = passes[n];
    if (pass == null) {
      pass = new Pass(n);
      passes[n] = pass;
    }
    pass.run();
    // read straight from the buffer: INDArray.toFloatMatrix() on an array made over a buffer
    // measured about 40 µs per image, as much as the rest of the pass
    float[][] rows = new float[n][CLASSES];
    for (int i = 0; i < n; i++) {
      probabilitiesOut.get(i * CLASSES, rows[i]);
    }
    return rows;
  }

  /** The operations of one batch size, on arrays over the shared buffers. */
  private final class Pass {

    private final Conv2D conv1;
    private final MaxPooling2D pool1;
    private final INDArray pooled1;
    private final Conv2D conv2;
    private final MaxPooling2D pool2;
    private final INDArray pooled2;
    private final Mmul dense;
    private final INDArray denseOut;
    private final Mmul output;
    private final INDArray outputOut;

    Pass(int n) {
      INDArray images = view(input, n, SIDE, SIDE, 1);
      INDArray convolved1 = view(convolved, n, SIDE, SIDE, CONV1);
      pooled1 = view(pooled, n, SIDE / 2, SIDE / 2, CONV1);
      INDArray convolved2 = view(convolved, n, SIDE / 2, SIDE / 2, CONV2);
      pooled2 = view(pooled, n, POOLED_SIZE, POOLED_SIZE, CONV2);
      denseOut = view(hidden, n, HIDDEN);
      outputOut = view(probabilities, n, CLASSES);
      conv1 =
          new Conv2D(
              new INDArray[] {images, conv1Weights, conv1Bias},
              new INDArray[] {convolved1},
              CONVOLUTION);
      pool1 = new MaxPooling2D(convolved1, pooled1, MAX_POOL);
      conv2 =
          new Conv2D(
              new INDArray[] {pooled1, conv2Weights, conv2Bias},
              new INDArray[] {convolved2},
              CONVOLUTION);
      pool2 = new MaxPooling2D(convolved2, pooled2, MAX_POOL);
      MMulTranspose plain = MMulTranspose.allFalse();
      dense = new Mmul(view(pooled, n, FLAT), denseWeights, denseOut, plain);
      output = new Mmul(denseOut, outputWeights, outputOut, plain);
    }

    void run() {
      Nd4j.exec(conv1);
      Nd4j.exec(pool1);
      activation.getActivation(pooled1, false);
      Nd4j.exec(conv2);
      Nd4j.exec(pool2);
      activation.getActivation(pooled2, false);
      Nd4j.exec(dense);
      denseOut.addiRowVector(denseBias);
      activation.getActivation(denseOut, false);
      Nd4j.exec(output);
      outputOut.addiRowVector(outputBias);
      softmax.getActivation(outputOut, false);
    }
  }

  private DataBuffer buffer(long floatsPerImage) {
    return Nd4j.createBuffer(DataType.FLOAT, floatsPerImage * maxBatch, true);
  }

  /** A c-order array over the beginning of {@code buffer}. */
  private static INDArray view(DataBuffer buffer, long... shape) {
    return Nd4j.create(buffer, shape);
  }

  private static IActivation activationOf(MultiLayerNetwork network, int layer) {
    return ((BaseLayer) network.getLayer(layer).conf().getLayer()).getActivationFn();
  }

  private static INDArray weights(MultiLayerNetwork network, int layer) {
    return network.getLayer(layer).getParam(DefaultParamInitializer.WEIGHT_KEY);
  }

  /** A copy of a layer's bias as a vector. */
  private static INDArray bias(MultiLayerNetwork network, int layer) {
    INDArray bias = network.getLayer(layer).getParam(DefaultParamInitializer.BIAS_KEY);
    return bias.dup('c').reshape(bias.length());
  }

  /** Reorders dense weights {@code [50*7*7, 500]} from (c, y, x) rows to (y, x, c) rows. */
  private static INDArray channelsFirstToLast(INDArray denseWeights) {
    return denseWeights
        .reshape('c', CONV2, POOLED_SIZE * POOLED_SIZE, HIDDEN)
        .permute(1, 0, 2)
        .dup('c')
        .reshape('c', FLAT, HIDDEN);
  }
}
