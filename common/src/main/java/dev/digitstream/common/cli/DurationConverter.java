package dev.digitstream.common.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The one way durations are written on the command line: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, ISO-8601 ({@code PT30S}), or a plain number of seconds ({@code 5}, {@code 0.5}) for
 * options whose name gives the unit ({@code --seconds}).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (use e.g. 500ms, 30s, 5m, 1h)");
    }
  }

  /**
   * Parses {@code value} as described above.
   *
   * @throws IllegalArgumentException when it is not a duration
   */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("pt")) {
      return Duration.parse(v.toUpperCase(Locale.ROOT));
    }
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (!v.isEmpty() && Character.isDigit(v.charAt(v.length() - 1))) {
      return Duration.ofNanos(new BigDecimal(v).movePointRight(9).longValueExact());
    }
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    long amount = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("unknown unit in " + value);
    };
  }
}
