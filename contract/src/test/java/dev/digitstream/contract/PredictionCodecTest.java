package dev.digitstream.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PredictionCodecTest {

  private static final float[] PROBABILITIES = {
    0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f, 0.07f, 0.62f, 0.05f, 0.05f
  };

  @Test
  void shouldPickTheMostProbableDigit() {
    Prediction p = Prediction.fromProbabilities(PROBABILITIES, "v1");

    assertThat(p.label()).isEqualTo(7);
    assertThat(p.confidence()).isEqualTo(0.62f);
  }

  @Test
  void shouldWriteTheDocumentedJsonAndReadItBack() throws IOException {
    Prediction p = Prediction.fromProbabilities(PROBABILITIES, "3f2a");

    byte[] json = PredictionCodec.encode(p);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .startsWith("{\"label\":7,\"confidence\":0.62,\"probabilities\":[0.01,")
        .endsWith("],\"modelVersion\":\"3f2a\"}");
    assertThat(PredictionCodec.decode(json)).isEqualTo(p);
  }

  @Test
  void shouldRejectMalformedPredictions() {
    assertThatThrownBy(
            () -> PredictionCodec.decode("{\"label\":12}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> PredictionCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}
