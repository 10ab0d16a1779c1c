package dev.digitstream.trainer.training;

import dev.digitstream.contract.ImageRecord;

/** Image augmentation on raw 28x28 pixels. */
final class Augmentation {

  private Augmentation() {}

  /**
   * Copies the image at {@code src[offset..offset+784)} into {@code dst} translated by {@code dx}
   * columns right and {@code dy} rows down; uncovered pixels become background (0).
   */
  static void shift(byte[] src, int offset, byte[] dst, int dx, int dy) {
    int w = ImageRecord.WIDTH;
    int h = ImageRecord.HEIGHT;
    java.util.Arrays.fill(dst, (byte) 0);
    int colFrom = Math.max(0, dx);
    int colTo = Math.min(w, w + dx);
    if (colFrom >= colTo) {
      return;
    }
    for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      System.arraycopy(
          src, offset + (y - dy) * w + colFrom - dx, dst, y * w + colFrom, colTo - colFrom);
    }
  }
}
