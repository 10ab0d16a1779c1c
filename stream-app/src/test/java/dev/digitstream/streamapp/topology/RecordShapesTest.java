package dev.digitstream.streamapp.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.ReviewRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Record shapes nobody chose: the pending-store format and the dead-letter cut, over generated
 * keys, values and headers of any length and content up to a broker's default limit.
 */
class RecordShapesTest {

  private static final int BROKER_MAX = 1_048_588;

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.oneOf(
        Arbitraries.just((byte[]) null),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        Arbitraries.integers().between(0, 1_100_000).map(byte[]::new));
  }

  @Provide
  Arbitrary<Header[]> headers() {
    // header keys of any length and script: short (1-, 2- and 3-byte characters), 60-70 thousand
    // ASCII characters, or 22 thousand 3-byte characters (over 65,535 bytes in UTF-8)
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withCharRange('\u0000', '\u07ff')
                .withCharRange('\ue000', '\ufffd')
                .ofMaxLength(20),
            Arbitraries.integers().between(60_000, 70_000).map("k"::repeat),
            Arbitraries.integers()
                .between(22_000, 23_000)
                .map(n -> "\u4e2d".repeat(n / 2) + "\ud7ff".repeat(n - n / 2)));
    Arbitrary<Header> header =
        Combinators.combine(names, bytes()).as((n, v) -> new RecordHeader(n, v));
    return Arbitraries.oneOf(
            header.array(Header[].class).ofMaxSize(6),
            Arbitraries.integers().between(0, 5_000).map(RecordShapesTest::manyHeaders))
        .map(h -> h);
  }

  private static Header[] manyHeaders(int count) {
    Header[] headers = new Header[count];
    Arrays.setAll(headers, i -> new RecordHeader("h" + i, new byte[] {(byte) i}));
    return headers;
  }

  @Property(tries = 300, shrinking = ShrinkingMode.OFF)
  void pendingRecordsRoundTripAndKnowTheirSize(
      @ForAll("bytes") byte[] key, @ForAll("bytes") byte[] value, @ForAll("headers") Header[] h) {
    PendingRecord record = new PendingRecord(key, value, new RecordHeaders(h), 42L);

    byte[] bytes = PendingRecord.serde().serializer().serialize("t", record);
    PendingRecord back = PendingRecord.serde().deserializer().deserialize("t", bytes);

    assertThat(bytes).hasSize(record.serializedSize());
    assertThat(back.key()).isEqualTo(key);
    assertThat(back.value()).isEqualTo(value);
    assertThat(back.timestamp()).isEqualTo(42L);
    assertThat(back.headers().toArray()).containsExactly(h);
  }

  @Property(tries = 300, shrinking = ShrinkingMode.OFF)
  void everyDeadLetterFitsTheLimitAndSaysWhatItCut(
      @ForAll("bytes") byte[] key,
      @ForAll("bytes") byte[] value,
      @ForAll("headers") Header[] h,
      @ForAll @IntRange(min = 16 * 1024, max = 1_048_576) int limitBytes) {
    RecordSizeLimit limit = new RecordSizeLimit(limitBytes);
    Record<byte[], byte[]> record = new Record<>(key, value, 7L, new RecordHeaders(h));
    boolean brokerTakesIt = RecordSizeLimit.sizeOf(key, value, h) <= BROKER_MAX;

    DeadLetters.DeadLetter letter =
        new DeadLetters(limit)
            .of(record, InvalidReason.WRONG_LENGTH, "detail", Optional.of(source()));

    Record<byte[], byte[]> out = letter.record();
    assertThat(RecordSizeLimit.sizeOf(out.key(), out.value(), out.headers().toArray()))
        .isLessThanOrEqualTo(limitBytes);
    assertThat(out.headers().lastHeader(HeaderNames.DLQ_SOURCE_OFFSET).value())
        .isEqualTo("99".getBytes(StandardCharsets.UTF_8));
    if (letter.reason() == InvalidReason.TOO_LARGE) {
      if (value != null) {
        assertThat(value).startsWith(out.value());
        assertThat(new String(out.headers().lastHeader(HeaderNames.DLQ_VALUE_SIZE).value()))
            .isEqualTo(Integer.toString(value.length));
      }
      if (brokerTakesIt && limitBytes == RecordSizeLimit.KAFKA_DEFAULT.maxBytes()) {
        assertThat(out.value() == null ? 0 : out.value().length)
            .as("what a default broker takes loses at most the dead-letter headers' room")
            .isGreaterThanOrEqualTo(
                value == null ? 0 : Math.min(value.length, 1_040_000) - 300_000);
      }
    } else {
      assertThat(out.value()).isEqualTo(value);
      assertThat(out.key()).isEqualTo(key);
    }
  }

  private static RecordMetadata source() {
    return new RecordMetadata() {
      @Override
      public String topic() {
        return "images";
      }

      @Override
      public int partition() {
        return 3;
      }

      @Override
      public long offset() {
        return 99;
      }
    };
  }

  @Test
  void shouldReadPendingRecordsWrittenByTheFirstFormat() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeLong(5L);
      out.writeInt(2);
      out.write(new byte[] {1, 2});
      out.writeInt(3);
      out.write(new byte[] {7, 8, 9});
      out.writeInt(1);
      out.writeUTF("label");
      out.writeInt(1);
      out.write('4');
    }

    PendingRecord r = PendingRecord.serde().deserializer().deserialize("t", bytes.toByteArray());

    assertThat(r.key()).containsExactly(1, 2);
    assertThat(r.value()).containsExactly(7, 8, 9);
    assertThat(r.timestamp()).isEqualTo(5L);
    assertThat(r.headers().lastHeader("label").value()).containsExactly('4');
  }

  @Test
  void shouldBoundThePredictionJsonByTheRoomReservedForIt() {
    float[] longest = new float[10];
    Arrays.fill(longest, -1.17549435E-38f);
    Prediction worst = new Prediction(9, -1.17549435E-38f, longest, "f".repeat(16));

    assertThat(PredictionCodec.encode(worst).length)
        .isLessThanOrEqualTo(RecordSizeLimit.PREDICTION_VALUE_MAX);
  }

  @Test
  void shouldBoundTheReviewRequestJsonByTheSameRoom() {
    double longest = -2.2250738585072014E-308; // the longest double Jackson writes
    byte[] image = new byte[ImageRecord.SIZE];
    Arrays.fill(image, (byte) 0xff);
    ReviewRequest worst =
        new ReviewRequest(
            "out-of-distribution",
            9,
            longest,
            longest,
            longest,
            longest,
            List.of(
                new ReviewRequest.Candidate(9, longest),
                new ReviewRequest.Candidate(8, longest),
                new ReviewRequest.Candidate(7, longest)),
            "f".repeat(RecordSizeLimit.VERSION_MAX),
            image);

    assertThat(PredictionCodec.encode(worst).length)
        .isLessThanOrEqualTo(RecordSizeLimit.PREDICTION_VALUE_MAX);
  }
}
