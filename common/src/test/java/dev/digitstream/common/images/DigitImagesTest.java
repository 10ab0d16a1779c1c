package dev.digitstream.common.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class DigitImagesTest {

  private static BufferedImage canvas(int width, int height, Color paper) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(paper);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  private static void fill(BufferedImage image, Color ink, int x, int y, int w, int h) {
    Graphics2D g = image.createGraphics();
    g.setColor(ink);
    g.fillRect(x, y, w, h);
    g.dispose();
  }

  private static int at(byte[] record, int x, int y) {
    return record[y * ImageRecord.WIDTH + x] & 0xff;
  }

  /** Rows and columns holding full ink, as {left, right, top, bottom}; -1s when none. */
  private static int[] inkBox(byte[] record) {
    int[] box = {ImageRecord.WIDTH, -1, ImageRecord.HEIGHT, -1};
    for (int y = 0; y < ImageRecord.HEIGHT; y++) {
      for (int x = 0; x < ImageRecord.WIDTH; x++) {
        if (at(record, x, y) > 0) {
          box[0] = Math.min(box[0], x);
          box[1] = Math.max(box[1], x);
          box[2] = Math.min(box[2], y);
          box[3] = Math.max(box[3], y);
        }
      }
    }
    return box;
  }

  @Test
  void wideDarkBarOnPaperIsInvertedFittedToTwentyAndCentred() {
    BufferedImage scan = canvas(100, 50, Color.WHITE);
    fill(scan, Color.BLACK, 7, 11, 60, 30);

    byte[] record = DigitImages.toMnist(scan);

    // 60x30 -> 20x10; centre of mass at index (9.5, 4.5) moved to (14, 14): columns 5-24, rows
    // 10-19 (halves round up)
    assertThat(inkBox(record)).containsExactly(5, 24, 10, 19);
    assertThat(at(record, 5, 10)).isEqualTo(255);
    assertThat(at(record, 24, 19)).isEqualTo(255);
    assertThat(at(record, 4, 10)).isZero();
  }

  @Test
  void tallBarKeepsItsAspectRatio() {
    BufferedImage scan = canvas(80, 80, Color.WHITE);
    fill(scan, Color.BLACK, 30, 10, 10, 40);

    byte[] record = DigitImages.toMnist(scan);

    // 10x40 -> 5x20; centre of mass at index (2, 9.5) moved to (14, 14): columns 12-16, rows 5-24
    assertThat(inkBox(record)).containsExactly(12, 16, 5, 24);
  }

  @Test
  void lightInkOnDarkPaperGivesTheSameRecordAsDarkInkOnLightPaper() {
    BufferedImage dark = canvas(64, 64, Color.BLACK);
    fill(dark, Color.WHITE, 10, 5, 20, 40);
    fill(dark, Color.WHITE, 30, 35, 20, 10);
    BufferedImage light = canvas(64, 64, Color.WHITE);
    fill(light, Color.BLACK, 10, 5, 20, 40);
    fill(light, Color.BLACK, 30, 35, 20, 10);

    assertThat(DigitImages.toMnist(dark)).isEqualTo(DigitImages.toMnist(light));
  }

  @Test
  void offCentreInkEndsWithItsCentreOfMassAtTheCentre() {
    BufferedImage scan = canvas(200, 120, new Color(230, 230, 230)); // grey paper
    fill(scan, new Color(20, 20, 20), 150, 80, 30, 30);
    fill(scan, new Color(20, 20, 20), 140, 60, 10, 50);

    byte[] record = DigitImages.toMnist(scan);

    double mass = 0;
    double x = 0;
    double y = 0;
    for (int r = 0; r < ImageRecord.HEIGHT; r++) {
      for (int c = 0; c < ImageRecord.WIDTH; c++) {
        mass += at(record, c, r);
        x += at(record, c, r) * c;
        y += at(record, c, r) * r;
      }
    }
    assertThat(x / mass).isCloseTo(14, org.assertj.core.data.Offset.offset(0.5));
    assertThat(y / mass).isCloseTo(14, org.assertj.core.data.Offset.offset(0.5));
    assertThat(at(record, 0, 0)).as("grey paper is background").isZero();
  }

  @Test
  void blankPictureGivesAnEmptyRecord() {
    assertThat(DigitImages.toMnist(canvas(30, 30, Color.WHITE))).containsOnly(0);
  }

  @Test
  void mnistDigitsSurviveTheRoundTripNearlyUnchanged() throws Exception {
    LabelledImages test = TestData.mnist().test().head(200);
    long totalDifference = 0;
    for (int i = 0; i < test.count(); i++) {
      byte[] original = test.image(i);
      BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < ImageRecord.SIZE; p++) {
        picture.getRaster().setSample(p % 28, p / 28, 0, 255 - (original[p] & 0xff));
      }
      byte[] converted = DigitImages.toMnist(picture);
      for (int p = 0; p < ImageRecord.SIZE; p++) {
        totalDifference += Math.abs((original[p] & 0xff) - (converted[p] & 0xff));
      }
    }
    double meanDifference = (double) totalDifference / (test.count() * ImageRecord.SIZE);
    // MNIST digits are already fitted and centred this way: they come back (nearly) unchanged
    assertThat(meanDifference).isLessThan(0.05);
  }
}
