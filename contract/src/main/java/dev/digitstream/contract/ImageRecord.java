package dev.digitstream.contract;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An image record value: exactly {@value #SIZE} bytes, 28x28 unsigned 8-bit pixels in row-major
 * order, 0 = background and 255 = ink (the MNIST convention).
 *
 * <p>Ground truth, when known, travels in the {@link HeaderNames#LABEL} header as one ASCII digit.
 * {@link #check} is the one place that decides whether a record honours this contract.
 */
public final class ImageRecord {

  public static final int WIDTH = 28;
  public static final int HEIGHT = 28;
  public static final int SIZE = WIDTH * HEIGHT;
  public static final int CLASSES = 10;

  /**
   * Identifies this contract together with {@link PixelScaling}; stored in model metadata so a
   * model trained on other inputs is refused.
   */
  public static final String CONTRACT = "mnist-28x28-u8-ink255/scale-div255";

  private ImageRecord() {}

  /**
   * Checks a record against the contract.
   *
   * @param value the record value, possibly null
   * @param labelHeader the value of the {@code label} header, or null when absent
   * @return the reason the record is invalid, or empty when it is valid
   */
  public static Optional<InvalidReason> check(byte[] value, byte[] labelHeader) {
    if (value == null) {
      return Optional.of(InvalidReason.NULL_VALUE);
    }
    if (value.length == 0) {
      return Optional.of(InvalidReason.EMPTY_VALUE);
    }
    if (value.length != SIZE) {
      return Optional.of(InvalidReason.WRONG_LENGTH);
    }
    if (labelHeader != null && parseLabel(labelHeader) < 0) {
      return Optional.of(InvalidReason.BAD_LABEL);
    }
    return Optional.empty();
  }

  /**
   * Parses a {@code label} header value.
   *
   * @return the digit 0-9, or -1 when the value is not exactly one ASCII digit
   */
  public static int parseLabel(byte[] labelHeader) {
    if (labelHeader == null || labelHeader.length != 1) {
      return -1;
    }
    int digit = labelHeader[0] - '0';
    return digit >= 0 && digit <= 9 ? digit : -1;
  }

  /** Encodes a digit as a {@code label} header value. */
  public static byte[] labelHeader(int digit) {
    if (digit < 0 || digit > 9) {
      throw new IllegalArgumentException("label must be a digit 0-9, got " + digit);
    }
    return Integer.toString(digit).getBytes(StandardCharsets.US_ASCII);
  }
}
