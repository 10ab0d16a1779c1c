package dev.digitstream.common.images;

import dev.digitstream.contract.ImageRecord;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Converts an ordinary picture of one digit into a 28x28 record the way MNIST was made (LeCun et
 * al.): grayscale; inverted when dark ink sits on a light background; cropped to the ink; scaled
 * with anti-aliasing so the longer side is 20 pixels, keeping the aspect ratio; then placed in a
 * 28x28 field so that the ink's centre of mass falls on the field's centre.
 */
public final class DigitImages {

  /** The side of the box the digit is fitted into. */
  public static final int BOX = 20;

  /** Ink below this fraction of the strongest ink is treated as background noise when cropping. */
  private static final double INK_THRESHOLD = 0.02;

  private DigitImages() {}

  /**
   * Converts one picture.
   *
   * @return the 784 ink values, 0 = background and 255 = ink; all zero when the picture has no ink
   */
  public static byte[] toMnist(BufferedImage picture) {
    int width = picture.getWidth();
    int height = picture.getHeight();
    int[] ink = ink(gray(picture), width, height);
    int max = 0;
    for (int v : ink) {
      max = Math.max(max, v);
    }
    byte[] record = new byte[ImageRecord.SIZE];
    if (max == 0) {
      return record;
    }
    int threshold = (int) Math.ceil(max * INK_THRESHOLD);
    int left = width;
    int right = -1;
    int top = height;
    int bottom = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (ink[y * width + x] >= threshold) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    int cropWidth = right - left + 1;
    int cropHeight = bottom - top + 1;
    int[] crop = new int[cropWidth * cropHeight];
    for (int y = 0; y < cropHeight; y++) {
      for (int x = 0; x < cropWidth; x++) {
        crop[y * cropWidth + x] = ink[(top + y) * width + left + x] * 255 / max;
      }
    }
    double scale = (double) BOX / Math.max(cropWidth, cropHeight);
    int boxWidth = Math.max(1, (int) Math.round(cropWidth * scale));
    int boxHeight = Math.max(1, (int) Math.round(cropHeight * scale));
    int[] box = areaAverage(crop, cropWidth, cropHeight, boxWidth, boxHeight);
    place(box, boxWidth, boxHeight, record);
    return record;
  }

  /**
   * The picture as 8-bit luminance over a white background, so transparency reads as paper. Gray
   * pictures are read from their raster: {@code getRGB} would pass their values through Java 2D's
   * linear gray colour space and brighten every mid-tone. Colour pictures use Rec. 601 weights.
   */
  private static int[] gray(BufferedImage picture) {
    int width = picture.getWidth();
    int height = picture.getHeight();
    int[] gray = new int[width * height];
    Raster raster = picture.getRaster();
    boolean grayModel =
        picture.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
            && raster.getNumBands() <= 2;
    int grayMax = (1 << picture.getColorModel().getComponentSize(0)) - 1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double luminance;
        double alpha;
        if (grayModel) {
          luminance = raster.getSample(x, y, 0) * 255.0 / grayMax;
          alpha = raster.getNumBands() == 2 ? raster.getSample(x, y, 1) / (double) grayMax : 1;
        } else {
          int argb = picture.getRGB(x, y);
          luminance =
              0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
          alpha = (argb >>> 24) / 255.0;
        }
        gray[y * width + x] = (int) Math.round(alpha * luminance + (1 - alpha) * 255);
      }
    }
    return gray;
  }

  /**
   * Ink strength per pixel: luminance, inverted when the border (the paper) is light, minus the
   * paper's own level so that grey paper or JPEG noise does not count as ink.
   */
  private static int[] ink(int[] gray, int width, int height) {
    long borderSum = 0;
    int borderCount = 0;
    int borderMin = 255;
    int borderMax = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (y == 0 || y == height - 1 || x == 0 || x == width - 1) {
          int v = gray[y * width + x];
          borderSum += v;
          borderCount++;
          borderMin = Math.min(borderMin, v);
          borderMax = Math.max(borderMax, v);
        }
      }
    }
    boolean lightPaper = borderSum > 127L * borderCount;
    int paper = lightPaper ? 255 - borderMax : borderMin;
    int[] ink = new int[gray.length];
    for (int i = 0; i < gray.length; i++) {
      ink[i] = Math.max(0, (lightPaper ? 255 - gray[i] : gray[i]) - paper);
    }
    return ink;
  }

  /**
   * Resamples by area averaging, the anti-aliasing MNIST used when normalising: each output pixel
   * is the mean of the input area it covers, partial pixels weighted by the fraction covered.
   */
  public static int[] areaAverage(
      int[] in, int inWidth, int inHeight, int outWidth, int outHeight) {
    double[] rows = new double[outHeight * inWidth]; // vertical pass first
    double sy = (double) inHeight / outHeight;
    for (int oy = 0; oy < outHeight; oy++) {
      double from = oy * sy;
      double to = from + sy;
      for (int iy = (int) from; iy < Math.min(inHeight, Math.ceil(to)); iy++) {
        double weight = (Math.min(to, iy + 1) - Math.max(from, iy)) / sy;
        for (int x = 0; x < inWidth; x++) {
          rows[oy * inWidth + x] += weight * in[iy * inWidth + x];
        }
      }
    }
    int[] out = new int[outWidth * outHeight];
    double sx = (double) inWidth / outWidth;
    for (int ox = 0; ox < outWidth; ox++) {
      double from = ox * sx;
      double to = from + sx;
      for (int oy = 0; oy < outHeight; oy++) {
        double sum = 0;
        for (int ix = (int) from; ix < Math.min(inWidth, Math.ceil(to)); ix++) {
          sum += (Math.min(to, ix + 1) - Math.max(from, ix)) / sx * rows[oy * inWidth + ix];
        }
        out[oy * outWidth + ox] = (int) Math.min(255, Math.round(sum));
      }
    }
    return out;
  }

  /**
   * Copies the box into the 28x28 record so that its centre of mass, in pixel indices, lands on
   * pixel (14, 14), as MNIST's own centring did (checked against the MNIST test set).
   */
  private static void place(int[] box, int width, int height, byte[] record) {
    double mass = 0;
    double sumX = 0;
    double sumY = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = box[y * width + x];
        mass += v;
        sumX += v * x;
        sumY += v * y;
      }
    }
    double centre = ImageRecord.WIDTH / 2;
    int dx = mass == 0 ? (ImageRecord.WIDTH - width) / 2 : (int) Math.round(centre - sumX / mass);
    int dy = mass == 0 ? (ImageRecord.HEIGHT - height) / 2 : (int) Math.round(centre - sumY / mass);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int tx = x + dx;
        int ty = y + dy;
        if (tx >= 0 && tx < ImageRecord.WIDTH && ty >= 0 && ty < ImageRecord.HEIGHT) {
          record[ty * ImageRecord.WIDTH + tx] = (byte) box[y * width + x];
        }
      }
    }
  }
}
