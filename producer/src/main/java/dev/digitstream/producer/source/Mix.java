package dev.digitstream.producer.source;

import dev.digitstream.common.images.OutOfDistributionSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A mixture of sources with their shares, as {@code --mix} spells it: {@code
 * test:0.9,letters:0.05,noise:0.05}. The sources are MNIST's {@code test} and {@code train} sets
 * and the out-of-distribution sets of {@link OutOfDistributionSets.Kind} by their command-line
 * names. Shares are positive, at least one record in {@link #CYCLE}, and sum to 1.
 *
 * <p>A mixed source is a cycle of {@link #CYCLE} records holding each share exactly (rounded to
 * whole records, largest remainders first) in a seeded shuffle: the same spec and seed give the
 * same records in the same order.
 */
public record Mix(List<Part> parts) {

  /** How far the shares' sum may be from 1. */
  public static final double SUM_TOLERANCE = 1e-6;

  /** Records in one cycle of a mixed source; it repeats like any source. */
  public static final int CYCLE = 10_000;

  /** The MNIST sets a mix can take. */
  private static final List<String> DIGIT_SETS = List.of("test", "train");

  /**
   * One source of a mix.
   *
   * @param name {@code test}, {@code train} or an out-of-distribution set's command-line name
   * @param share the fraction of records it gives, in (0, 1]
   */
  public record Part(String name, double share) {}

  /**
   * @throws IllegalArgumentException with a one-line message naming the cause
   */
  public Mix {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a mix needs at least one source");
    }
    Set<String> seen = new HashSet<>();
    double sum = 0;
    for (Part part : parts) {
      if (!names().contains(part.name())) {
        throw new IllegalArgumentException(
            "unknown source '%s' (one of %s)".formatted(part.name(), String.join(", ", names())));
      }
      if (!seen.add(part.name())) {
        throw new IllegalArgumentException("source '%s' given twice".formatted(part.name()));
      }
      if (!(part.share() > 0 && part.share() <= 1)) {
        throw new IllegalArgumentException(
            "share of %s must be within (0, 1], got %s".formatted(part.name(), part.share()));
      }
      if (part.share() * CYCLE < 1) {
        throw new IllegalArgumentException(
            "share of %s is below one record in %,d, got %s"
                .formatted(part.name(), CYCLE, part.share()));
      }
      sum += part.share();
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "shares must sum to 1, they sum to %.6f", sum));
    }
  }

  /**
   * Parses {@code name:share,name:share,...}.
   *
   * @throws IllegalArgumentException with a one-line message naming the cause
   */
  public static Mix parse(String spec) {
    List<Part> parts = new ArrayList<>();
    for (String item : spec.split(",", -1)) {
      String[] nameAndShare = item.strip().split(":", -1);
      if (nameAndShare.length != 2 || nameAndShare[0].isBlank()) {
        throw new IllegalArgumentException(
            "'%s' is not NAME:SHARE (e.g. test:0.95,letters:0.05)".formatted(item.strip()));
      }
      String name = nameAndShare[0].strip();
      double share;
      try {
        share = Double.parseDouble(nameAndShare[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "share of %s is not a number: '%s'".formatted(name, nameAndShare[1].strip()));
      }
      parts.add(new Part(name, share));
    }
    return new Mix(parts);
  }

  /** The source names a mix can take: the MNIST sets, then the out-of-distribution sets. */
  public static List<String> names() {
    return Stream.concat(
            DIGIT_SETS.stream(),
            Arrays.stream(OutOfDistributionSets.Kind.values())
                .map(OutOfDistributionSets.Kind::cliName))
        .toList();
  }

  /** Whether the source {@code name} is an out-of-distribution set (no digit, no label). */
  public static boolean outOfDistribution(String name) {
    return !DIGIT_SETS.contains(name);
  }

  /**
   * Which part each record of a cycle takes (an index into {@link #parts()}): each part exactly its
   * share of {@code length}, rounded by largest remainder, in an order shuffled with {@code seed}.
   */
  public byte[] assign(int length, long seed) {
    int[] quota = new int[parts.size()];
    double[] remainder = new double[parts.size()];
    int given = 0;
    for (int p = 0; p < parts.size(); p++) {
      double exact = parts.get(p).share() * length;
      quota[p] = (int) Math.floor(exact);
      remainder[p] = exact - quota[p];
      given += quota[p];
    }
    for (; given < length; given++) {
      int largest = 0;
      for (int p = 1; p < parts.size(); p++) {
        if (remainder[p] > remainder[largest]) {
          largest = p;
        }
      }
      quota[largest]++;
      remainder[largest] = -1;
    }
    byte[] order = new byte[length];
    int at = 0;
    for (int p = 0; p < parts.size(); p++) {
      Arrays.fill(order, at, at + quota[p], (byte) p);
      at += quota[p];
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      byte swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** How {@code --mix} is converted: a bad spec is a usage error naming its cause. */
  public static final class Converter implements CommandLine.ITypeConverter<Mix> {
    @Override
    public Mix convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
