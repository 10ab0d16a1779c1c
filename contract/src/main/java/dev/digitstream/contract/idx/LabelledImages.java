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

  /** Images {@code from} (inclusive) to {@code to} (exclusive). */
  public LabelledImages slice(int from, int to) {
    return new LabelledImages(
        Arrays.copyOfRange(pixels, from * ImageRecord.SIZE, to * ImageRecord.SIZE),
        Arrays.copyOfRange(labels, from, to));
  }
}
