package dev.digitstream.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PixelScalingTest {

  @Test
  void shouldMapBackgroundToZeroAndFullInkToOne() {
    float[] out = new float[3];

    PixelScaling.scale(new byte[] {0, (byte) 255, (byte) 128}, 0, out, 0, 3);

    assertThat(out).containsExactly(0f, 1f, 128f / 255f);
  }

  @Test
  void shouldScaleARangeIntoTheGivenOffset() {
    byte[] src = {0, (byte) 51, (byte) 255, (byte) 204};
    float[] dst = new float[6];

    PixelScaling.scale(src, 1, dst, 2, 3);

    assertThat(dst).containsExactly(new float[] {0f, 0f, 0.2f, 1f, 0.8f, 0f}, within(1e-6f));
  }
}
