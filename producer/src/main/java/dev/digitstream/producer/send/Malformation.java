package dev.digitstream.producer.send;

import dev.digitstream.contract.InvalidReason;

/** The deliberately broken records the producer can mix in, and the reason each must get. */
public enum Malformation {
  /** A value of 1 to 4,096 bytes other than 784. */
  WRONG_LENGTH(InvalidReason.WRONG_LENGTH),
  /** A zero-length value. */
  EMPTY(InvalidReason.EMPTY_VALUE),
  /** A valid image whose {@code label} header is not one digit. */
  BAD_LABEL(InvalidReason.BAD_LABEL);

  private final InvalidReason expected;

  Malformation(InvalidReason expected) {
    this.expected = expected;
  }

  /** The dead-letter reason the stream-app must give this record. */
  public InvalidReason expectedReason() {
    return expected;
  }

  /**
   * Which records of a run are malformed: exactly {@code floor(n * fraction)} of the first {@code
   * n}, spread evenly, the kinds taken in turn.
   */
  public record Plan(long perMillion) {

    public Plan {
      if (perMillion < 0 || perMillion > 1_000_000) {
        throw new IllegalArgumentException("malformed fraction must be within 0..1");
      }
    }

    public static Plan of(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException(
            "malformed fraction must be within 0..1, got " + fraction);
      }
      return new Plan(Math.round(fraction * 1_000_000));
    }

    /** The malformation of record {@code n}, or null when it is a valid record. */
    public Malformation kindOf(long n) {
      long before = n * perMillion / 1_000_000;
      long after = (n + 1) * perMillion / 1_000_000;
      if (after == before) {
        return null;
      }
      Malformation[] kinds = values();
      return kinds[(int) (before % kinds.length)];
    }

    /** How many of the first {@code n} records are malformed. */
    public long count(long n) {
      return n * perMillion / 1_000_000;
    }
  }
}
