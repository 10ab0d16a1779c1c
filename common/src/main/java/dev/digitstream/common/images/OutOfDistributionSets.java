package dev.digitstream.common.images;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Images that are not handwritten digits, built deterministically: what an out-of-distribution
 * score is measured on (trainer) and what a load test mixes in (producer). Every image is
 * unlabelled (label -1).
 *
 * <p>The same seed gives the same images. Letters depend on the fonts the JDK finds (its logical
 * fonts map to the system's), so they are the same on machines with the same fonts; the others
 * depend on nothing but the seed and, for inverted digits and crops, the digits given.
 */
public final class OutOfDistributionSets {

  /** The sets, by the name the command lines use. */
  public enum Kind {
    /** A-Z and a-z in the JDK's serif, sans-serif and monospaced fonts, 4 styles, 3 slants. */
    LETTERS,
    /** Every pixel uniform in 0-255. */
    NOISE,
    /** A third each: all zero; faint paper noise (every pixel 0-24); 1-8 specks of ink. */
    BLANK,
    /** Digits with ink and paper swapped (255 - pixel). */
    INVERTED,
    /** One half of a digit (top, bottom, left or right), re-normalised the MNIST way. */
    CROPS;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the sets when {@code name} is none of them
     */
    public static Kind fromCliName(String name) {
      for (Kind kind : values()) {
        if (kind.cliName().equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "unknown out-of-distribution set '%s' (one of %s)"
              .formatted(name, Arrays.stream(values()).map(Kind::cliName).toList()));
    }
  }

  /** The seed the trainer's evaluation and the producer use unless told otherwise. */
  public static final long DEFAULT_SEED = 1998;

  private static final String[] FONTS = {Font.SERIF, Font.SANS_SERIF, Font.MONOSPACED};
  private static final int[] STYLES = {Font.PLAIN, Font.BOLD, Font.ITALIC, Font.BOLD | Font.ITALIC};
  private static final double[] SLANTS_DEGREES = {-8, 0, 8};
  private static final int CANVAS = 96;

  private OutOfDistributionSets() {}

  /**
   * One set.
   *
   * @param count images for noise and blank; letters are always all of theirs (1,872); inverted
   *     digits and crops take the first {@code count} of {@code digits}
   * @param digits in-distribution digits, for inverted digits and crops
   */
  public static LabelledImages of(Kind kind, int count, LabelledImages digits, long seed) {
    return switch (kind) {
      case LETTERS -> letters();
      case NOISE -> noise(count, seed);
      case BLANK -> blank(count, seed);
      case INVERTED -> inverted(digits.head(count));
      case CROPS -> crops(digits.head(count), seed);
    };
  }

  /** 52 letters x 3 fonts x 4 styles x 3 slants: 1,872 images, rendered and converted. */
  public static LabelledImages letters() {
    String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    int count = letters.length() * FONTS.length * STYLES.length * SLANTS_DEGREES.length;
    byte[] pixels = new byte[count * ImageRecord.SIZE];
    int i = 0;
    for (char letter : letters.toCharArray()) {
      for (String font : FONTS) {
        for (int style : STYLES) {
          for (double slant : SLANTS_DEGREES) {
            byte[] image = DigitImages.toMnist(render(letter, new Font(font, style, 64), slant));
            System.arraycopy(image, 0, pixels, i++ * ImageRecord.SIZE, ImageRecord.SIZE);
          }
        }
      }
    }
    return unlabelled(pixels);
  }

  private static BufferedImage render(char letter, Font font, double slantDegrees) {
    BufferedImage canvas = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, CANVAS, CANVAS);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.rotate(Math.toRadians(slantDegrees), CANVAS / 2.0, CANVAS / 2.0);
      g.setFont(font);
      int width = g.getFontMetrics().charWidth(letter);
      g.drawString(String.valueOf(letter), (CANVAS - width) / 2, CANVAS * 2 / 3);
    } finally {
      g.dispose();
    }
    return canvas;
  }

  /** Every pixel uniform in 0-255. */
  public static LabelledImages noise(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pixels = new byte[count * ImageRecord.SIZE];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) random.nextInt(256);
    }
    return unlabelled(pixels);
  }

  /** A third each: all zero; faint paper noise (every pixel 0-24); 1-8 specks of ink. */
  public static LabelledImages blank(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pixels = new byte[count * ImageRecord.SIZE];
    for (int i = 0; i < count; i++) {
      int from = i * ImageRecord.SIZE;
      switch (i % 3) {
        case 1 -> {
          for (int p = 0; p < ImageRecord.SIZE; p++) {
            pixels[from + p] = (byte) random.nextInt(25);
          }
        }
        case 2 -> {
          int specks = 1 + random.nextInt(8);
          for (int s = 0; s < specks; s++) {
            pixels[from + random.nextInt(ImageRecord.SIZE)] = (byte) (64 + random.nextInt(192));
          }
        }
        default -> {} // all zero
      }
    }
    return unlabelled(pixels);
  }

  /** Ink and paper swapped. */
  public static LabelledImages inverted(LabelledImages digits) {
    byte[] pixels = digits.pixels().clone();
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) (255 - (pixels[p] & 0xff));
    }
    return unlabelled(pixels);
  }

  /** One half of each digit (top, bottom, left or right, by the seed), re-normalised. */
  public static LabelledImages crops(LabelledImages digits, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pixels = new byte[digits.count() * ImageRecord.SIZE];
    int side = ImageRecord.WIDTH;
    for (int i = 0; i < digits.count(); i++) {
      byte[] digit = digits.image(i);
      int half = random.nextInt(4);
      BufferedImage picture = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          boolean kept =
              switch (half) {
                case 0 -> y < side / 2;
                case 1 -> y >= side / 2;
                case 2 -> x < side / 2;
                default -> x >= side / 2;
              };
          picture.getRaster().setSample(x, y, 0, kept ? digit[y * side + x] & 0xff : 0);
        }
      }
      System.arraycopy(
          DigitImages.toMnist(picture), 0, pixels, i * ImageRecord.SIZE, ImageRecord.SIZE);
    }
    return unlabelled(pixels);
  }

  private static LabelledImages unlabelled(byte[] pixels) {
    byte[] labels = new byte[pixels.length / ImageRecord.SIZE];
    Arrays.fill(labels, (byte) -1);
    return new LabelledImages(pixels, labels);
  }
}
