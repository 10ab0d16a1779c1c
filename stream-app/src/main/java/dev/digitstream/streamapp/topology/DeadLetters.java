package dev.digitstream.streamapp.topology;

import dev.digitstream.common.mnist.Sha256;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.InvalidReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead-letter records: the original record plus {@code dlq.*} headers (reason, detail,
 * source topic, partition and offset). One that would exceed the size limit is cut down to fit and
 * becomes {@code too-large}: the key is kept unless it alone takes more than a quarter of the
 * limit, the original headers unless they do, and the value is cut to what is left; the original
 * value's (and a cut key's) size and SHA-256 travel in headers, so the record can still be
 * identified.
 */
final class DeadLetters {

  /** Room for the varints that grow with a longer value; 5 bytes is the longest varint. */
  private static final int VARINT_SLACK = 8;

  /** A dead-letter record and the reason it carries ({@code too-large} if it was cut down). */
  record DeadLetter(Record<byte[], byte[]> record, InvalidReason reason) {}

  private final RecordSizeLimit limit;

  DeadLetters(RecordSizeLimit limit) {
    this.limit = limit;
  }

  /**
   * The dead letter of {@code record}, whole when it fits, cut down as {@code too-large} if not.
   */
  DeadLetter of(
      Record<byte[], byte[]> record,
      InvalidReason reason,
      String detail,
      Optional<RecordMetadata> source) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    addDlqHeaders(headers, reason, detail, source);
    Header[] all = headers.toArray();
    if (limit.fits(RecordSizeLimit.sizeOf(record.key(), record.value(), all))) {
      return new DeadLetter(record.withHeaders(headers), reason);
    }
    return new DeadLetter(
        tooLarge(record, reason.code() + ": " + detail, source), InvalidReason.TOO_LARGE);
  }

  private Record<byte[], byte[]> tooLarge(
      Record<byte[], byte[]> record, String cause, Optional<RecordMetadata> source) {
    int quarter = limit.maxBytes() / 4;
    byte[] key = record.key();
    byte[] value = record.value();
    Header[] original = record.headers().toArray();
    int originalHeaderBytes = headerBytes(original);
    boolean keepHeaders = originalHeaderBytes <= quarter;
    boolean cutKey = key != null && key.length > quarter;

    Headers headers = new RecordHeaders(keepHeaders ? original : new Header[0]);
    StringBuilder detail =
        new StringBuilder(cause)
            .append("; the record (key ")
            .append(key == null ? "null" : key.length + " B")
            .append(", value ")
            .append(value == null ? "null" : value.length + " B")
            .append(", ")
            .append(original.length)
            .append(" headers of ")
            .append(originalHeaderBytes)
            .append(" B) does not fit the ")
            .append(limit.maxBytes())
            .append("-byte record limit");
    if (!keepHeaders) {
      detail.append("; original headers dropped");
    }
    if (cutKey) {
      headers.add(HeaderNames.DLQ_KEY_SIZE, ascii(Integer.toString(key.length)));
      headers.add(HeaderNames.DLQ_KEY_SHA256, ascii(Sha256.of(key)));
      key = Arrays.copyOf(key, quarter);
      detail.append("; key cut to ").append(quarter).append(" B");
    }
    if (value != null) {
      headers.add(HeaderNames.DLQ_VALUE_SIZE, ascii(Integer.toString(value.length)));
      headers.add(HeaderNames.DLQ_VALUE_SHA256, ascii(Sha256.of(value)));
    }
    // the detail's own length is known before the value is cut: say where the cut will be
    int room =
        limit.maxBytes()
            - RecordSizeLimit.sizeOf(key, new byte[0], headers.toArray())
            - dlqHeadersSize(Utils.utf8Length(detail) + 64, source)
            - VARINT_SLACK;
    int kept = value == null ? 0 : Math.max(0, Math.min(value.length, room));
    if (value != null) {
      detail.append("; value cut to ").append(kept).append(" B");
      value = Arrays.copyOf(value, kept);
    }
    addDlqHeaders(headers, InvalidReason.TOO_LARGE, detail.toString(), source);
    return new Record<>(key, value, record.timestamp(), headers);
  }

  /** The bytes the dlq.* headers take with a detail of {@code detailBytes} UTF-8 bytes. */
  private static int dlqHeadersSize(int detailBytes, Optional<RecordMetadata> source) {
    Headers headers = new RecordHeaders();
    addDlqHeaders(headers, InvalidReason.TOO_LARGE, "x".repeat(detailBytes), source);
    return headerBytes(headers.toArray());
  }

  private static int headerBytes(Header[] headers) {
    return RecordSizeLimit.sizeOf(-1, -1, headers) - RecordSizeLimit.sizeOf(-1, -1, new Header[0]);
  }

  private static void addDlqHeaders(
      Headers headers, InvalidReason reason, String detail, Optional<RecordMetadata> source) {
    headers.add(HeaderNames.DLQ_REASON, ascii(reason.code()));
    headers.add(HeaderNames.DLQ_DETAIL, detail.getBytes(StandardCharsets.UTF_8));
    if (source.isPresent()) {
      headers.add(HeaderNames.DLQ_SOURCE_TOPIC, ascii(source.get().topic()));
      headers.add(
          HeaderNames.DLQ_SOURCE_PARTITION, ascii(Integer.toString(source.get().partition())));
      headers.add(HeaderNames.DLQ_SOURCE_OFFSET, ascii(Long.toString(source.get().offset())));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
