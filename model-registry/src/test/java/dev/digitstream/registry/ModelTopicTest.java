package dev.digitstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelTopicTest {

  @Test
  void shouldCountChunksByCeilingDivisionWithAtLeastOne() {
    int size = ModelTopic.CHUNK_SIZE;
    assertThat(ModelTopic.chunkCount(0)).isEqualTo(1);
    assertThat(ModelTopic.chunkCount(1)).isEqualTo(1);
    assertThat(ModelTopic.chunkCount(size)).isEqualTo(1);
    assertThat(ModelTopic.chunkCount(size + 1L)).isEqualTo(2);
    assertThat(ModelTopic.chunkCount(12L * size)).isEqualTo(12);
    assertThatThrownBy(() -> ModelTopic.chunkCount(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldParseTheKeysItWrites() {
    assertThat(ModelTopic.manifestKey("abc")).isEqualTo("manifest/abc");
    assertThat(ModelTopic.chunkKey("abc", 3)).isEqualTo("chunk/abc/3");
    assertThat(ModelTopic.manifestVersion(ModelTopic.manifestKey("abc"))).contains("abc");
    assertThat(ModelTopic.chunk(ModelTopic.chunkKey("abc", 3)))
        .contains(new ModelTopic.ChunkKey("abc", 3));
  }

  @Test
  void shouldIgnoreKeysOfOtherKinds() {
    assertThat(ModelTopic.manifestVersion(ModelTopic.DECISION_KEY)).isEmpty();
    assertThat(ModelTopic.manifestVersion("manifest/")).isEmpty();
    assertThat(ModelTopic.manifestVersion(null)).isEmpty();
    assertThat(ModelTopic.chunk("manifest/abc")).isEmpty();
    assertThat(ModelTopic.chunk("chunk/abc/x")).isEmpty();
    assertThat(ModelTopic.chunk("chunk/abc/-1")).isEmpty();
    assertThat(ModelTopic.chunk("chunk/3")).isEmpty();
  }

  @Test
  void shouldConfigureACompactedTopic() {
    assertThat(ModelTopic.topicConfig()).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void shouldParseOnlyWellFormedStatusAndReportKeys() {
    assertThat(ModelTopic.statusVersion(ModelTopic.statusKey("0f3c"))).contains("0f3c");
    assertThat(ModelTopic.statusVersion("status/")).isEmpty();
    assertThat(ModelTopic.statusVersion("manifest/0f3c")).isEmpty();
    assertThat(ModelTopic.report(ModelTopic.reportKey("0f3c", "host-1.example-42")))
        .contains(new ModelTopic.ReportKey("0f3c", "host-1.example-42"));
    assertThat(ModelTopic.report("report/0f3c")).isEmpty();
    assertThat(ModelTopic.report("report/0f3c/")).isEmpty();
    assertThat(ModelTopic.report("report//r")).isEmpty();
    assertThat(ModelTopic.report(null)).isEmpty();
  }
}
