package dev.digitstream.contract.idx;

import dev.digitstream.contract.ImageRecord;
import java.util.Arrays;

/**
 * A set of 28x28 images with their labels, held as one flat pixel array ({@code count * 784} bytes,
 * image after image) so that a 60,000-image set is a single 47 MB array, not 60,000 objects.
 */
public record LabelledImages(byte[] pixels, byte[] labels) {

  public LabelledImages {
    if (pixels.length != labels.length * ImageRecord.SIZE) {
      throw new IllegalArgumentException(
          "pixels hold %d bytes, %d labels need %d"
              .formatted(pixels.length, labels.length, labels.length * ImageRecord.SIZE));
    }
  }

  public int count() {
    return labels.length;
  }

  public int label(int index) {
    return labels[index];
  }

  /** A copy of one image as a record value. */
  public byte[] image(int index) {
    int from = index * ImageRecord.SIZE;
    return Arrays.copyOfRange(pixels, from, from + ImageRecord.SIZE);
  }

  /** The first {@code n} images, or all when fewer. */
  public LabelledImages head(int n) {
    int k = Math.min(n, count());
    return new LabelledImages(
        Arrays.copyOf(pixels, k * ImageRecord.SIZE), Arrays.copyOf(labels, k));
  }

  /** The images {@code indices[from..to)}, in that order. */
  public LabelledImages select(int[] indices, int from, int to) {
    byte[] selectedPixels = new byte[(to - from) * ImageRecord.SIZE];
    byte[] selectedLabels = new byte[to - from];
    for (int i = from; i < to; i++) {
      System.arraycopy(
          pixels,
          indices[i] * ImageRecord.SIZE,
          selectedPixels,
          (i - from) * ImageRecord.SIZE,
          ImageRecord.SIZE);
      selectedLabels[i - from] = labels[indices[i]];
    }
    return new LabelledImages(selectedPixels, selectedLabels);
  }
}
