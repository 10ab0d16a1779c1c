package dev.digitstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RegistryJsonTest {

  @Test
  void shouldRoundTripAManifest() throws Exception {
    ModelManifest manifest =
        new ModelManifest(
            "0123456789abcdef",
            "ff".repeat(32),
            600_000,
            3,
            "default",
            0.9912,
            Instant.parse("2026-11-30T15:00:00.123Z"));

    byte[] json = RegistryJson.write(manifest);

    assertThat(RegistryJson.read(json, ModelManifest.class)).isEqualTo(manifest);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"publishedAt\":\"2026-11-30T15:00:00.123Z\"");
  }

  @Test
  void shouldRoundTripAFirstDecisionWithoutPrevious() throws Exception {
    Decision decision =
        new Decision(1, "0123456789abcdef", Decision.PROMOTE, null, null, Instant.EPOCH);

    assertThat(RegistryJson.read(RegistryJson.write(decision), Decision.class)).isEqualTo(decision);
  }

  @Test
  void shouldReadADecisionWithFieldsItDoesNotKnow() throws Exception {
    String json =
        """
        {"sequence":2,"version":"b","action":"rollback","previous":"a","reason":"drift",
         "at":"2026-11-30T15:00:00Z","approvedBy":"someone"}""";

    Decision decision = RegistryJson.read(json.getBytes(StandardCharsets.UTF_8), Decision.class);

    assertThat(decision)
        .isEqualTo(
            new Decision(2, "b", "rollback", "a", "drift", Instant.parse("2026-11-30T15:00:00Z")));
  }
}
