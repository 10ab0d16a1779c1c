package dev.digitstream.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * JSON encoding of the output records: {@link Prediction} (predictions topic) and {@link
 * ReviewRequest} (review topic). Thread-safe.
 */
public final class PredictionCodec {

  /**
   * Floats are written by Jackson's Schubfach writer, not {@code Float.toString}: the same shortest
   * decimal that reads back as the same float, at a fraction of the cost (ten per prediction).
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private PredictionCodec() {}

  /**
   * Encodes and decodes a sample prediction and review request, so that the mapper's one-time setup
   * (class loading, building its serializers and deserializers: 0.5-0.9 s in a fresh JVM on the
   * build machine) happens now rather than on the first record of a measured run.
   */
  public static void warmUp() {
    float[] probabilities = new float[ImageRecord.CLASSES];
    probabilities[0] = 1;
    ReviewRequest review =
        new ReviewRequest(
            "low_confidence",
            0,
            1,
            1,
            0,
            1,
            List.of(new ReviewRequest.Candidate(0, 1)),
            "warm-up",
            new byte[ImageRecord.SIZE]);
    try {
      decode(encode(Prediction.fromProbabilities(probabilities, "warm-up")));
      decodeReview(encode(review));
    } catch (IOException e) {
      throw new UncheckedIOException("the codec cannot read what it writes", e);
    }
  }

  public static byte[] encode(Prediction prediction) {
    try {
      return MAPPER.writeValueAsBytes(prediction);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] encode(ReviewRequest review) {
    try {
      return MAPPER.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IOException when the bytes are not a valid review request
   */
  public static ReviewRequest decodeReview(byte[] json) throws IOException {
    try {
      return MAPPER.readValue(json, ReviewRequest.class);
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid review request: " + e.getMessage(), e);
    }
  }

  /**
   * @throws IOException when the bytes are not a valid prediction
   */
  public static Prediction decode(byte[] json) throws IOException {
    try {
      return MAPPER.readValue(json, Prediction.class);
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid prediction: " + e.getMessage(), e);
    }
  }
}
