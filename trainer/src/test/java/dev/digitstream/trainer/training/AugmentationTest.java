package dev.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static byte[] imageWithInkAt(int x, int y) {
    byte[] image = new byte[784];
    image[y * 28 + x] = (byte) 255;
    return image;
  }

  @Test
  void shouldMoveInkRightAndDown() {
    byte[] out = new byte[784];

    Augmentation.shift(imageWithInkAt(10, 12), 0, out, 2, -1);

    assertThat(out).isEqualTo(imageWithInkAt(12, 11));
  }

  @Test
  void shouldReadTheImageAtTheGivenOffset() {
    byte[] two = new byte[2 * 784];
    System.arraycopy(imageWithInkAt(3, 4), 0, two, 784, 784);
    byte[] out = new byte[784];

    Augmentation.shift(two, 784, out, -2, 2);

    assertThat(out).isEqualTo(imageWithInkAt(1, 6));
  }

  @Test
  void shouldDropInkShiftedOffTheEdgeAndClearWhatWasThere() {
    byte[] out = new byte[784];
    java.util.Arrays.fill(out, (byte) 9);

    Augmentation.shift(imageWithInkAt(27, 0), 0, out, 1, 0);

    assertThat(out).containsOnly(0);
  }

  @Test
  void shouldCopyUnchangedWithoutShift() {
    byte[] in = imageWithInkAt(5, 5);
    byte[] out = new byte[784];

    Augmentation.shift(in, 0, out, 0, 0);

    assertThat(out).isEqualTo(in);
  }
}
