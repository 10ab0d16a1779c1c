package dev.digitstream.trainer.training;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.PixelScaling;
import dev.digitstream.contract.idx.LabelledImages;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a labelled image set into shuffled, optionally augmented mini-batches, refilling the same
 * feature and label arrays every time (fresh INDArrays per batch are many times slower). Pixels go
 * through {@link PixelScaling}, exactly as in serving.
 *
 * <p>Everything random comes from one seeded {@link Random}, so a seed fixes the data order and
 * augmentation of a run.
 */
final class BatchFeeder {

  private final LabelledImages images;
  private final int batchSize;
  private final int maxShift;
  private final Random random;
  private final int[] order;
  private final byte[] shifted = new byte[ImageRecord.SIZE];
  private final float[] features;
  private final float[] labels;
  private final INDArray fullFeatures;
  private final INDArray fullLabels;
  private final INDArray tailFeatures;
  private final INDArray tailLabels;

  BatchFeeder(LabelledImages images, int batchSize, int maxShift, Random random) {
    this.images = images;
    this.batchSize = batchSize;
    this.maxShift = maxShift;
    this.random = random;
    this.order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    this.features = new float[batchSize * ImageRecord.SIZE];
    this.labels = new float[batchSize * ImageRecord.CLASSES];
    this.fullFeatures = Nd4j.create(DataType.FLOAT, batchSize, ImageRecord.SIZE);
    this.fullLabels = Nd4j.create(DataType.FLOAT, batchSize, ImageRecord.CLASSES);
    int tail = images.count() % batchSize;
    this.tailFeatures = tail == 0 ? null : Nd4j.create(DataType.FLOAT, tail, ImageRecord.SIZE);
    this.tailLabels = tail == 0 ? null : Nd4j.create(DataType.FLOAT, tail, ImageRecord.CLASSES);
  }

  int batchesPerEpoch() {
    return (images.count() + batchSize - 1) / batchSize;
  }

  /** Starts an epoch: a new random order (Fisher-Yates). */
  void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** A mini-batch: {@code [features, labels]}, valid until the next call. */
  INDArray[] batch(int index) {
    int from = index * batchSize;
    int n = Math.min(batchSize, images.count() - from);
    java.util.Arrays.fill(labels, 0f);
    byte[] pixels = images.pixels();
    for (int i = 0; i < n; i++) {
      int image = order[from + i];
      int offset = image * ImageRecord.SIZE;
      if (maxShift > 0) {
        int dx = random.nextInt(2 * maxShift + 1) - maxShift;
        int dy = random.nextInt(2 * maxShift + 1) - maxShift;
        Augmentation.shift(pixels, offset, shifted, dx, dy);
        PixelScaling.scale(shifted, 0, features, i * ImageRecord.SIZE, ImageRecord.SIZE);
      } else {
        PixelScaling.scale(pixels, offset, features, i * ImageRecord.SIZE, ImageRecord.SIZE);
      }
      labels[i * ImageRecord.CLASSES + images.label(image)] = 1f;
    }
    INDArray f = n == batchSize ? fullFeatures : tailFeatures;
    INDArray l = n == batchSize ? fullLabels : tailLabels;
    f.data().asNioFloat().put(features, 0, n * ImageRecord.SIZE);
    l.data().asNioFloat().put(labels, 0, n * ImageRecord.CLASSES);
    return new INDArray[] {f, l};
  }
}
