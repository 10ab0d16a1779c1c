package dev.digitstream.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageRecordTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void shouldAcceptExactly784BytesWithOrWithoutLabel() {
    assertThat(ImageRecord.check(new byte[784], null)).isEmpty();
    assertThat(ImageRecord.check(new byte[784], ascii("7"))).isEmpty();
  }

  @Test
  void shouldNameTheReasonOfEachInvalidRecord() {
    assertThat(ImageRecord.check(null, null)).contains(InvalidReason.NULL_VALUE);
    assertThat(ImageRecord.check(new byte[0], null)).contains(InvalidReason.EMPTY_VALUE);
    assertThat(ImageRecord.check(new byte[783], null)).contains(InvalidReason.WRONG_LENGTH);
    assertThat(ImageRecord.check(new byte[785], null)).contains(InvalidReason.WRONG_LENGTH);
    assertThat(ImageRecord.check(new byte[784], ascii("10"))).contains(InvalidReason.BAD_LABEL);
    assertThat(ImageRecord.check(new byte[784], ascii("x"))).contains(InvalidReason.BAD_LABEL);
    assertThat(ImageRecord.check(new byte[784], new byte[0])).contains(InvalidReason.BAD_LABEL);
    assertThat(ImageRecord.check(new byte[784], new byte[] {7})).contains(InvalidReason.BAD_LABEL);
  }

  @Test
  void shouldRoundTripLabelHeaders() {
    for (int digit = 0; digit <= 9; digit++) {
      assertThat(ImageRecord.parseLabel(ImageRecord.labelHeader(digit))).isEqualTo(digit);
    }
    assertThat(ImageRecord.parseLabel(null)).isEqualTo(-1);
    assertThatThrownBy(() -> ImageRecord.labelHeader(10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldUseStableLowCardinalityReasonCodes() {
    assertThat(InvalidReason.values())
        .extracting(InvalidReason::code)
        .containsExactly(
            "null-value",
            "empty-value",
            "wrong-length",
            "bad-label",
            "too-large",
            "processing-error");
  }
}
