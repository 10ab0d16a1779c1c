package dev.digitstream.streamapp.topology;

import dev.digitstream.contract.HeaderNames;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;

/**
 * The largest record the app may write to any of its topics, and the sizes of the records it is
 * about to write, computed the way the Kafka producer checks them against {@code max.request.size}
 * (a batch of one record, the worst-case varints). A record that would not fit is dead-lettered as
 * {@code too-large} instead of failing the send, which would stop the stream thread on every
 * restart.
 *
 * @param maxBytes the smallest of the producer's {@code max.request.size} and the output,
 *     dead-letter and changelog topics' {@code max.message.bytes}, less a margin for compression
 */
public record RecordSizeLimit(int maxBytes) {

  /** The default when nothing else is known: the producer's default {@code max.request.size}. */
  public static final RecordSizeLimit KAFKA_DEFAULT = new RecordSizeLimit(1_048_576);

  /**
   * An upper bound of an output value, the larger of a prediction's JSON (ten probabilities, label,
   * confidence and a version of 16 hex digits: about 250 bytes) and a review request's (the same
   * figures, the top three digits and the 784-byte image in base64: about 1,500 bytes). {@code
   * RecordShapesTest} checks the worst cases.
   */
  static final int PREDICTION_VALUE_MAX = 2_048;

  /**
   * Room for headers Kafka Streams may add to changelog records (position vectors, when consistency
   * tracking is on).
   */
  static final int CHANGELOG_HEADROOM = 1_024;

  /** The longest model version id the size checks allow for (ids are 16 hex digits). */
  static final int VERSION_MAX = 64;

  private static final Header[] NO_HEADERS = new Header[0];

  public RecordSizeLimit {
    if (maxBytes < 16 * 1_024) {
      throw new IllegalArgumentException("record size limit below 16 KiB: " + maxBytes);
    }
  }

  /** The size of a record as the producer counts it; {@code -1} sizes stand for null. */
  static int sizeOf(int keySize, int valueSize, Header[] headers) {
    return DefaultRecordBatch.RECORD_BATCH_OVERHEAD
        + DefaultRecord.sizeInBytes(Integer.MAX_VALUE, Long.MAX_VALUE, keySize, valueSize, headers);
  }

  static int sizeOf(byte[] key, byte[] value, Header[] headers) {
    return sizeOf(key == null ? -1 : key.length, value == null ? -1 : value.length, headers);
  }

  boolean fits(int size) {
    return size <= maxBytes;
  }

  /**
   * Whether the prediction or review request of a record with this key and these headers fits, with
   * the {@code model.version} header it gains (a version id of up to {@link #VERSION_MAX} bytes).
   */
  boolean predictionFits(byte[] key, Header[] headers) {
    Header[] all = Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = new RecordHeader(HeaderNames.MODEL_VERSION, new byte[VERSION_MAX]);
    return fits(sizeOf(key == null ? -1 : key.length, PREDICTION_VALUE_MAX, all));
  }

  /** Whether a pending-store changelog record (an 8-byte key) with this value size fits. */
  boolean pendingEntryFits(int valueSize) {
    return fits(sizeOf(Long.BYTES, valueSize, NO_HEADERS) + CHANGELOG_HEADROOM);
  }
}
