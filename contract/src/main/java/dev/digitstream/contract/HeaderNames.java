package dev.digitstream.contract;

/** Names of the Kafka record headers the pipeline reads and writes. */
public final class HeaderNames {

  /** Ground truth: one ASCII digit. */
  public static final String LABEL = "label";

  /**
   * When the record was meant to be sent, in microseconds since the epoch (ASCII decimal). Set by
   * the load-testing producer and carried to the prediction, so end-to-end latency can be measured
   * from the intended send time.
   */
  public static final String SEND_TIME = "send.time.us";

  /**
   * On a prediction: the version id of the model that computed it (also in the prediction's JSON),
   * as ASCII; it replaces any header of that name on the input record.
   */
  public static final String MODEL_VERSION = "model.version";

  /** Dead-letter records: the {@link InvalidReason#code()} of the failure. */
  public static final String DLQ_REASON = "dlq.reason";

  /** Dead-letter records: a human-readable detail of the failure. */
  public static final String DLQ_DETAIL = "dlq.detail";

  /** Dead-letter records: the topic the record was read from. */
  public static final String DLQ_SOURCE_TOPIC = "dlq.source.topic";

  /** Dead-letter records: the partition the record was read from. */
  public static final String DLQ_SOURCE_PARTITION = "dlq.source.partition";

  /** Dead-letter records: the offset the record was read from. */
  public static final String DLQ_SOURCE_OFFSET = "dlq.source.offset";

  /** Dead-letter records: the original value's length in bytes (ASCII decimal), when truncated. */
  public static final String DLQ_VALUE_SIZE = "dlq.value.size";

  /** Dead-letter records: the original value's SHA-256 (lower-case hex), when truncated. */
  public static final String DLQ_VALUE_SHA256 = "dlq.value.sha256";

  /** Dead-letter records: the original key's length in bytes, when the key was truncated. */
  public static final String DLQ_KEY_SIZE = "dlq.key.size";

  /** Dead-letter records: the original key's SHA-256, when the key was truncated. */
  public static final String DLQ_KEY_SHA256 = "dlq.key.sha256";

  private HeaderNames() {}
}
