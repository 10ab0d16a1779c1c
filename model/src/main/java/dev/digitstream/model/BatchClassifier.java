package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.PixelScaling;
import dev.digitstream.contract.Prediction;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Classifies batches of raw 784-byte images with one vectorised forward pass per batch.
 *
 * <p><b>Not thread-safe.</b> Each instance owns a private copy of the network's weights and the
 * arrays of its forward pass ({@link ChannelsLastLeNet}); create one per thread.
 */
public final class BatchClassifier {

  /** Result of one batch: one prediction per input, in order, and the time of each step. */
  public record Result(
      List<Prediction> predictions,
      long preprocessNanos,
      long inferenceNanos,
      long postprocessNanos) {}

  private final ChannelsLastLeNet forwardPass;
  private final String modelVersion;
  private final int maxBatch;
  private final float[] scaled;
  private final FloatBuffer inputBuffer;

  /**
   * @param model the model to copy
   * @param maxBatch the largest batch {@link #classify} will be given
   */
  public BatchClassifier(LoadedModel model, int maxBatch) {
    this(model.network(), model.metadata().versionId(), maxBatch);
  }

  /**
   * @param network the LeNet to copy
   * @param modelVersion the version stamped on every prediction
   * @param maxBatch the largest batch {@link #classify} will be given
   * @throws IllegalArgumentException if {@code network} is not a LeNet
   */
  public BatchClassifier(MultiLayerNetwork network, String modelVersion, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    this.forwardPass = new ChannelsLastLeNet(network, maxBatch);
    this.modelVersion = modelVersion;
    this.maxBatch = maxBatch;
    this.scaled = new float[maxBatch * ImageRecord.SIZE];
    this.inputBuffer = forwardPass.input();
  }

  public int maxBatch() {
    return maxBatch;
  }

  public String modelVersion() {
    return modelVersion;
  }

  /**
   * Classifies a batch.
   *
   * @param images 1 to {@link #maxBatch()} images of exactly 784 bytes each
   */
  public Result classify(List<byte[]> images) {
    int n = images.size();
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + ", allowed 1.." + maxBatch);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      byte[] image = images.get(i);
      if (image.length != ImageRecord.SIZE) {
        throw new IllegalArgumentException(
            "image " + i + " has " + image.length + " bytes, expected " + ImageRecord.SIZE);
      }
      PixelScaling.scale(image, 0, scaled, i * ImageRecord.SIZE, ImageRecord.SIZE);
    }
    inputBuffer.clear();
    inputBuffer.put(scaled, 0, n * ImageRecord.SIZE);
    long t1 = System.nanoTime();
    float[][] probabilities = forwardPass.forward(n);
    long t2 = System.nanoTime();
    List<Prediction> predictions = new ArrayList<>(n);
    for (float[] row : probabilities) {
      predictions.add(Prediction.fromProbabilities(row, modelVersion));
    }
    long t3 = System.nanoTime();
    return new Result(predictions, t1 - t0, t2 - t1, t3 - t2);
  }
}
