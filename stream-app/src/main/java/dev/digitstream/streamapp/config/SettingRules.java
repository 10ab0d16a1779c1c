package dev.digitstream.streamapp.config;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The validators of {@link StreamAppSettings}: each reports a bad value as the message the user
 * reads (naming the variable and the value) and says in the docs what it accepts.
 */
final class SettingRules {

  private SettingRules() {}

  /** A problem report: its message is what the user reads. */
  static org.apache.kafka.common.config.ConfigException problem(String message) {
    return new org.apache.kafka.common.config.ConfigException(message);
  }

  static Rule nonEmpty() {
    return new NonEmpty();
  }

  static Rule between(int min, int max) {
    return new Between(min, max);
  }

  static Rule fraction(double min, double max) {
    return new Fraction(min, max);
  }

  static Rule oneOf(String... allowed) {
    return new OneOf(List.of(allowed));
  }

  /** A validator that says in the docs what it accepts (empty when nothing worth saying). */
  sealed interface Rule extends ConfigDef.Validator {
    String doc();
  }

  private record NonEmpty() implements Rule {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && value.toString().isEmpty()) {
        throw problem(name + " must not be empty");
      }
    }

    @Override
    public String doc() {
      return "";
    }
  }

  private record Between(int min, int max) implements Rule {
    @Override
    public void ensureValid(String name, Object value) {
      // null: a default computed at start-up
      if (value != null && ((Integer) value < min || (Integer) value > max)) {
        throw problem("%s must be between %d and %d, got %d".formatted(name, min, max, value));
      }
    }

    @Override
    public String doc() {
      return min + " to " + max;
    }
  }

  private record Fraction(double min, double max) implements Rule {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && !((Double) value >= min && (Double) value <= max)) {
        throw problem("%s must be between %s and %s, got %s".formatted(name, min, max, value));
      }
    }

    @Override
    public String doc() {
      return min + " to " + max;
    }
  }

  private record OneOf(List<String> allowed) implements Rule {
    @Override
    public void ensureValid(String name, Object value) {
      if (!allowed.contains(value)) {
        throw problem(name + " must be one of " + allowed + ", got '" + value + "'");
      }
    }

    @Override
    public String doc() {
      return allowed.stream().map(a -> "`" + a + "`").collect(Collectors.joining(" or "));
    }
  }
}
