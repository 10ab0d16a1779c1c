package dev.digitstream.contract;

/**
 * The single mapping from raw pixels to network inputs, used by training and serving alike so the
 * two can never drift apart: {@code x = pixel / 255}, giving 0.0 for background and 1.0 for ink.
 */
public final class PixelScaling {

  private static final float SCALE = 1f / 255f;

  private PixelScaling() {}

  /**
   * Scales {@code count} pixels of {@code src} from {@code srcOffset} into {@code dst} from {@code
   * dstOffset}.
   */
  public static void scale(byte[] src, int srcOffset, float[] dst, int dstOffset, int count) {
    for (int i = 0; i < count; i++) {
      dst[dstOffset + i] = (src[srcOffset + i] & 0xFF) * SCALE;
    }
  }
}
