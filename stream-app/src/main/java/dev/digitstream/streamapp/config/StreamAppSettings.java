package dev.digitstream.streamapp.config;

import static dev.digitstream.streamapp.config.SettingRules.between;
import static dev.digitstream.streamapp.config.SettingRules.fraction;
import static dev.digitstream.streamapp.config.SettingRules.nonEmpty;
import static dev.digitstream.streamapp.config.SettingRules.oneOf;
import static dev.digitstream.streamapp.config.StreamAppConfig.APPLICATION_ID;
import static dev.digitstream.streamapp.config.StreamAppConfig.AT_LEAST_ONCE;
import static dev.digitstream.streamapp.config.StreamAppConfig.BATCH_MAX_DELAY_MS;
import static dev.digitstream.streamapp.config.StreamAppConfig.BATCH_MAX_SIZE;
import static dev.digitstream.streamapp.config.StreamAppConfig.CHANGELOG_MIN_INSYNC_REPLICAS;
import static dev.digitstream.streamapp.config.StreamAppConfig.CHANGELOG_REPLICATION_FACTOR;
import static dev.digitstream.streamapp.config.StreamAppConfig.COMMIT_INTERVAL_MS;
import static dev.digitstream.streamapp.config.StreamAppConfig.CREATE_TOPICS;
import static dev.digitstream.streamapp.config.StreamAppConfig.DLQ_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.EXACTLY_ONCE_V2;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE_CONFIDENCE;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE_FLOOR;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE_MAX_DISAGREEMENT;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE_MIN_RECORDS;
import static dev.digitstream.streamapp.config.StreamAppConfig.GATE_TOLERANCE;
import static dev.digitstream.streamapp.config.StreamAppConfig.INPUT_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS;
import static dev.digitstream.streamapp.config.StreamAppConfig.LATENCY_TARGET_MS;
import static dev.digitstream.streamapp.config.StreamAppConfig.METRICS_BIND_ADDRESS;
import static dev.digitstream.streamapp.config.StreamAppConfig.METRICS_PORT;
import static dev.digitstream.streamapp.config.StreamAppConfig.MODEL_EVENTS_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.MODEL_PATH;
import static dev.digitstream.streamapp.config.StreamAppConfig.MODEL_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.ND4J_THREADS;
import static dev.digitstream.streamapp.config.StreamAppConfig.OUTPUT_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.PROBATION_RECORDS;
import static dev.digitstream.streamapp.config.StreamAppConfig.PROCESSING_GUARANTEE;
import static dev.digitstream.streamapp.config.StreamAppConfig.REVIEW_THRESHOLD;
import static dev.digitstream.streamapp.config.StreamAppConfig.REVIEW_TOPIC;
import static dev.digitstream.streamapp.config.StreamAppConfig.ROLLING_ACCURACY_WINDOW;
import static dev.digitstream.streamapp.config.StreamAppConfig.SHADOW_SHARE;
import static dev.digitstream.streamapp.config.StreamAppConfig.STATE_DIR;
import static dev.digitstream.streamapp.config.StreamAppConfig.STREAM_THREADS;
import static dev.digitstream.streamapp.config.StreamAppConfig.TOPIC_PARTITIONS;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import dev.digitstream.common.kafka.KafkaClientEnv;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Every stream-app setting, defined once: name, type, default, valid values and meaning. {@link
 * StreamAppConfig#fromEnv} reads the environment through these definitions, and the settings table
 * of {@code docs/stream-app.md} is {@link #markdownTable()} (SettingsDocTest keeps them equal).
 */
public final class StreamAppSettings {

  /** The settings read by {@link StreamAppConfig#fromEnv}, in the order the docs list them. */
  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              KAFKA_BOOTSTRAP_SERVERS,
              Type.STRING,
              "127.0.0.1:9092",
              nonEmpty(),
              HIGH,
              "Kafka cluster: its bootstrap servers, comma-separated `host:port`")
          .define(
              APPLICATION_ID,
              Type.STRING,
              "digit-stream",
              nonEmpty(),
              HIGH,
              "Kafka Streams application id (consumer group, transactional ids, internal topic"
                  + " prefix)")
          .define(INPUT_TOPIC, Type.STRING, "images", nonEmpty(), HIGH, "raw 784-byte images")
          .define(OUTPUT_TOPIC, Type.STRING, "predictions", nonEmpty(), HIGH, "prediction JSON")
          .define(
              DLQ_TOPIC,
              Type.STRING,
              "images-dlq",
              nonEmpty(),
              HIGH,
              "invalid records with their reason")
          .define(
              REVIEW_TOPIC,
              Type.STRING,
              "review",
              HIGH,
              "records for a person to look at instead of a prediction (JSON with the top-3 digits,"
                  + " the reason and the image): out of distribution, or calibrated confidence"
                  + " below `REVIEW_THRESHOLD` (docs/review.md); empty: no review, every valid"
                  + " record gets a prediction and none is assessed (no triage or drift metrics)")
          .define(
              REVIEW_THRESHOLD,
              Type.DOUBLE,
              null,
              fraction(0, 1),
              HIGH,
              "calibrated confidence from which a prediction is booked without review; unset: the"
                  + " serving model's own threshold for 99.9 % accepted accuracy (a model without"
                  + " one sends only out-of-distribution records to review)")
          .define(
              MODEL_PATH,
              Type.STRING,
              "models",
              nonEmpty(),
              HIGH,
              "the model to start with when the model topic has decided none: a model.zip, a run"
                  + " folder holding one, or a folder of run folders (the newest model is taken)")
          .define(
              MODEL_TOPIC,
              Type.STRING,
              "models",
              HIGH,
              "the compacted topic of model versions and decisions (docs/model-lifecycle.md): the"
                  + " app serves the version last decided there and follows each new decision at"
                  + " a batch boundary; empty: serve MODEL_PATH only")
          .define(
              MODEL_EVENTS_TOPIC,
              Type.STRING,
              "model-events",
              MEDIUM,
              "topic of model lifecycle events (JSON, one per transition); empty: log lines only")
          .define(
              GATE,
              Type.STRING,
              "auto",
              oneOf("auto", "manual"),
              MEDIUM,
              "who decides on a model in shadow: `auto`, the gate below (one replica decides for"
                  + " all); `manual`, a person with `trainer promote` (replicas still score and"
                  + " report)")
          .define(
              GATE_MIN_RECORDS,
              Type.INT,
              2000,
              between(1, 1_000_000_000),
              MEDIUM,
              "labelled records, summed over replicas, a candidate is judged on; with no label"
                  + " among this many records, the label-free rule (`GATE_MAX_DISAGREEMENT`)"
                  + " applies")
          .define(
              GATE_TOLERANCE,
              Type.DOUBLE,
              0.005,
              fraction(0, 1),
              MEDIUM,
              "how much less accurate than the serving model a candidate may be: the lower bound"
                  + " of the paired difference must be at least minus this")
          .define(
              GATE_FLOOR,
              Type.DOUBLE,
              0.97,
              fraction(0, 1),
              MEDIUM,
              "the accuracy a candidate must reach; a promoted model whose accuracy is below it"
                  + " (upper bound) during its probation is rolled back")
          .define(
              GATE_CONFIDENCE,
              Type.DOUBLE,
              0.95,
              fraction(0.5, 0.9999),
              MEDIUM,
              "confidence of the one-sided bounds behind every gate and rollback judgement")
          .define(
              GATE_MAX_DISAGREEMENT,
              Type.DOUBLE,
              0.02,
              fraction(0, 1),
              MEDIUM,
              "label-free rule: a candidate is promoted when its test accuracy reaches"
                  + " `GATE_FLOOR` and its disagreement with the serving model (upper bound) is"
                  + " at most this")
          .define(
              PROBATION_RECORDS,
              Type.INT,
              2000,
              between(0, 1_000_000_000),
              MEDIUM,
              "labelled records after a promotion during which the replaced model is scored in"
                  + " shadow, and an automatic rollback may follow; 0: no probation")
          .define(
              SHADOW_SHARE,
              Type.DOUBLE,
              1.0,
              fraction(0.01, 1),
              MEDIUM,
              "the share of batches a model in shadow runs on: at 1 every batch is inferred twice"
                  + " while a model is in shadow (about half the throughput when inference"
                  + " dominates, BENCHMARKS.md); less costs less and takes longer to reach"
                  + " `GATE_MIN_RECORDS`")
          .define(
              BATCH_MAX_SIZE,
              Type.INT,
              128,
              between(1, 4096),
              MEDIUM,
              "images per inference at most (128 is the measured throughput peak)")
          .define(
              BATCH_MAX_DELAY_MS,
              Type.INT,
              10,
              between(1, 60_000),
              MEDIUM,
              "how long the first image of a batch may wait for the batch to fill")
          .define(
              LATENCY_TARGET_MS,
              Type.INT,
              0,
              between(0, 60_000),
              MEDIUM,
              "time an image may spend in its batch and in inference; batch size and wait follow"
                  + " the arrival rate and measured inference to meet it (0: off, batches wait"
                  + " `BATCH_MAX_DELAY_MS`); docs/stream-app.md, \"Latency target\"")
          // The default depends on the machine: computed at start-up (defaultValue), shown as text.
          .define(
              STREAM_THREADS,
              Type.INT,
              null,
              between(1, 64),
              MEDIUM,
              "Kafka Streams threads, each with its own model copy",
              null,
              -1,
              Width.NONE,
              STREAM_THREADS,
              List.of(),
              null,
              "number of cores")
          .define(
              ND4J_THREADS,
              Type.INT,
              1,
              between(1, 64),
              MEDIUM,
              "native threads per inference (one per stream thread measured best)")
          .define(
              PROCESSING_GUARANTEE,
              Type.STRING,
              EXACTLY_ONCE_V2,
              oneOf(EXACTLY_ONCE_V2, AT_LEAST_ONCE),
              HIGH,
              "Kafka Streams' processing guarantee")
          .define(
              COMMIT_INTERVAL_MS,
              Type.INT,
              0,
              between(0, 600_000),
              LOW,
              "how often Kafka Streams commits offsets and state; 0 keeps the default",
              null,
              -1,
              Width.NONE,
              COMMIT_INTERVAL_MS,
              List.of(),
              null,
              "100 ms exactly-once (Kafka Streams'), 1 s at-least-once (not Kafka Streams' 30 s,"
                  + " whose commits stall the thread)")
          .define(
              METRICS_PORT,
              Type.INT,
              9404,
              between(0, 65_535),
              LOW,
              "HTTP port of `/metrics`, `/health/live`, `/health/ready` (0 = any free port)")
          .define(
              METRICS_BIND_ADDRESS,
              Type.STRING,
              "0.0.0.0",
              nonEmpty(),
              LOW,
              "address the metrics and health endpoints listen on")
          .define(
              CREATE_TOPICS,
              Type.BOOLEAN,
              false,
              null,
              LOW,
              "create missing input, output and dead-letter topics instead of refusing to start")
          .define(
              TOPIC_PARTITIONS,
              Type.INT,
              1,
              between(1, 10_000),
              LOW,
              "partitions of topics created by `CREATE_TOPICS`")
          .define(
              ROLLING_ACCURACY_WINDOW,
              Type.INT,
              1000,
              between(1, 1_000_000),
              LOW,
              "labelled predictions in the rolling accuracy gauge")
          .define(
              STATE_DIR,
              Type.STRING,
              "",
              null,
              LOW,
              "Kafka Streams state folder",
              null,
              -1,
              Width.NONE,
              STATE_DIR,
              List.of(),
              null,
              "Kafka Streams'")
          .define(
              CHANGELOG_REPLICATION_FACTOR,
              Type.INT,
              3,
              between(1, 32),
              MEDIUM,
              "replicas of the `pending-images` changelog, the only durable copy of records whose"
                  + " offsets were committed before their predictions; lowered to the number of"
                  + " brokers on a smaller cluster (with a warning)")
          .define(
              CHANGELOG_MIN_INSYNC_REPLICAS,
              Type.INT,
              2,
              between(1, 32),
              MEDIUM,
              "its `min.insync.replicas`, at most its replication factor (lowered with it)");

  /** Variables the app honours that {@link #CONFIG_DEF} does not read: documented only. */
  static final List<Documented> DOCUMENTED_ONLY =
      List.of(
          new Documented(
              KafkaClientEnv.PREFIX + "<NAME>",
              "",
              "any Kafka client/streams property, passed to every Kafka client, e.g."
                  + " `KAFKA_CFG_SECURITY_PROTOCOL=SASL_SSL`, `KAFKA_CFG_SASL_JAAS_CONFIG=...` (name"
                  + " lower-cased, `_` becomes `.`); passwords, secrets, JAAS configs and keys are"
                  + " masked in logs"),
          new Documented("LOG_LEVEL", "`INFO`", "root log level (read by logback)"));

  /** A documented variable: name, default as the docs show it, meaning. */
  record Documented(String variable, String defaultShown, String doc) {}

  private StreamAppSettings() {}

  /**
   * The typed value of every setting in {@code env}, by name: the default where a variable is
   * unset, and also where it is invalid, after adding what is wrong to {@code problems}.
   */
  static Map<String, Object> parse(Map<String, String> env, List<String> problems) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey key : CONFIG_DEF.configKeys().values()) {
      String raw = env.get(key.name);
      Object value = defaultValue(key);
      if (raw != null) {
        try {
          Object parsed = parse(key, raw);
          if (key.validator != null) {
            key.validator.ensureValid(key.name, parsed);
          }
          value = parsed;
        } catch (org.apache.kafka.common.config.ConfigException e) {
          problems.add(e.getMessage());
        }
      }
      values.put(key.name, value);
    }
    return values;
  }

  private static Object defaultValue(ConfigKey key) {
    return key.name.equals(STREAM_THREADS)
        ? Runtime.getRuntime().availableProcessors()
        : key.defaultValue;
  }

  private static Object parse(ConfigKey key, String raw) {
    String value = raw.trim();
    return switch (key.type) {
      case STRING -> value;
      case INT -> {
        try {
          yield Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw SettingRules.problem(key.name + " must be an integer, got '" + raw + "'");
        }
      }
      case DOUBLE -> {
        try {
          yield Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw SettingRules.problem(key.name + " must be a number, got '" + raw + "'");
        }
      }
      case BOOLEAN ->
          switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw SettingRules.problem(key.name + " must be true or false, got '" + raw + "'");
          };
      default -> throw new IllegalStateException("no parser for " + key.type);
    };
  }

  /** The settings table of {@code docs/stream-app.md}: variable, default, meaning. */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
    for (ConfigKey key : CONFIG_DEF.configKeys().values()) {
      String shown =
          key.alternativeString != null ? key.alternativeString : "`" + key.defaultValue + "`";
      String valid = key.validator instanceof SettingRules.Rule rule ? rule.doc() : "";
      String meaning = valid.isEmpty() ? key.documentation : key.documentation + "; " + valid;
      row(table, key.name, shown, meaning);
    }
    DOCUMENTED_ONLY.forEach(d -> row(table, d.variable(), d.defaultShown(), d.doc()));
    return table.toString();
  }

  private static void row(StringBuilder table, String variable, String shown, String meaning) {
    table.append("| `%s` | %s | %s |\n".formatted(variable, shown, meaning).replace("|  |", "| |"));
  }
}
