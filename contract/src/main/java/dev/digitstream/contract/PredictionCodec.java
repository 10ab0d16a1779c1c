package dev.digitstream.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

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
