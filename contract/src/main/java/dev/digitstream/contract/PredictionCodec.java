package dev.digitstream.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON encoding of {@link Prediction}, the output record format. Thread-safe. */
public final class PredictionCodec {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PredictionCodec() {}

  public static byte[] encode(Prediction prediction) {
    try {
      return MAPPER.writeValueAsBytes(prediction);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
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
