package dev.digitstream.common.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client properties passed through environment variables, the same way for every component:
 * {@code KAFKA_CFG_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}.
 */
public final class KafkaClientEnv {

  /** Prefix of environment variables passed through as Kafka client properties. */
  public static final String PREFIX = "KAFKA_CFG_";

  private KafkaClientEnv() {}

  /** The pass-through properties found in {@code env}, by property name. */
  public static Map<String, String> properties(Map<String, String> env) {
    Map<String, String> props = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
            props.put(
                name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    return props;
  }

  /**
   * The variable that passes {@code property} through, the inverse of {@link #properties}: {@code
   * session.timeout.ms} is {@code KAFKA_CFG_SESSION_TIMEOUT_MS}.
   */
  public static String variable(String property) {
    return PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** Whether a Kafka property holds a secret that must never be logged. */
  public static boolean isSecret(String property) {
    String p = property.toLowerCase(Locale.ROOT);
    return p.contains("password")
        || p.contains("secret")
        || p.contains("jaas")
        || p.endsWith(".key");
  }

  /** {@code props} with the values of secret properties replaced by {@code ****}. */
  public static Map<String, String> masked(Map<String, ?> props) {
    Map<String, String> masked = new TreeMap<>();
    props.forEach((k, v) -> masked.put(k, isSecret(k) ? "****" : String.valueOf(v)));
    return masked;
  }
}
