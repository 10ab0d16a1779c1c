package dev.digitstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which version is scored in shadow, and the state of each, from what the topic holds. */
class RegistrySnapshotTest {

  private final SnapshotCollector topic = new SnapshotCollector();

  private void publish(String... versions) {
    for (String v : versions) {
      topic.accept(
          ModelTopic.manifestKey(v),
          RegistryJson.write(new ModelManifest(v, "sha-" + v, 1, 1, "r", 0.99, Instant.EPOCH)));
    }
  }

  private void decide(long sequence, String version, String action, String previous) {
    topic.accept(
        ModelTopic.DECISION_KEY,
        RegistryJson.write(new Decision(sequence, version, action, previous, null, Instant.EPOCH)));
  }

  private void judge(String version, String state) {
    topic.accept(
        ModelTopic.statusKey(version),
        RegistryJson.write(new ModelStatus(version, state, "why", Instant.EPOCH)));
  }

  @Test
  void shouldShadowTheNewestVersionPublishedAfterTheServingOne() {
    publish("a", "b", "c");
    decide(1, "b", Decision.PROMOTE, null);
    RegistrySnapshot s = topic.snapshot();

    assertThat(s.shadowTarget("b", true)).contains("c");
    assertThat(s.states("b", true))
        .containsExactly(
            java.util.Map.entry("a", ModelStatus.RETIRED),
            java.util.Map.entry("b", RegistrySnapshot.SERVING),
            java.util.Map.entry("c", RegistrySnapshot.SHADOW));
  }

  @Test
  void shouldShadowEveryPublishedVersionInTurnBeforeAnyDecisionNewestFirst() {
    publish("a", "b");
    assertThat(topic.snapshot().shadowTarget("from-a-file", true)).contains("b");
    judge("b", ModelStatus.REJECTED);
    assertThat(topic.snapshot().shadowTarget("from-a-file", true)).contains("a");
    judge("a", ModelStatus.REJECTED);
    assertThat(topic.snapshot().shadowTarget("from-a-file", true)).isEmpty();
  }

  @Test
  void shouldShadowTheReplacedVersionDuringAProbationThenTheNextCandidate() {
    publish("a", "b");
    decide(1, "a", Decision.PROMOTE, null);
    decide(2, "b", Decision.PROMOTE, "a");
    publish("c");
    RegistrySnapshot s = topic.snapshot();
    assertThat(s.probation()).contains("a");
    assertThat(s.shadowTarget("b", true)).contains("a");
    assertThat(s.states("b", true)).containsEntry("a", "shadow").containsEntry("c", "candidate");
    assertThat(s.shadowTarget("b", false)).as("no probations: the candidate").contains("c");

    judge("a", ModelStatus.RETIRED);
    assertThat(topic.snapshot().probation()).isEmpty();
    assertThat(topic.snapshot().shadowTarget("b", true)).contains("c");
  }

  @Test
  void shouldNeverShadowARolledBackVersionAgain() {
    publish("a", "b");
    decide(1, "a", Decision.PROMOTE, null);
    decide(2, "b", Decision.PROMOTE, "a");
    decide(3, "a", Decision.ROLLBACK, "b");
    judge("b", ModelStatus.REJECTED); // what RegistryClient.decide writes with a rollback
    RegistrySnapshot s = topic.snapshot();

    assertThat(s.probation()).as("a rollback starts no probation").isEmpty();
    assertThat(s.shadowTarget("a", true)).isEmpty();
    assertThat(s.states("a", true)).containsEntry("b", ModelStatus.REJECTED);
  }

  @Test
  void shouldKeepEachReplicasLatestReportAndForgetTombstonedOnes() {
    ShadowReport first = new ShadowReport("r1", "b", "a", 10, 5, 4, 5, 0, 1, 1, 9, Instant.EPOCH);
    ShadowReport later =
        new ShadowReport("r1", "b", "a", 30, 15, 14, 15, 0, 1, 1, 9, Instant.EPOCH);
    ShadowReport other = new ShadowReport("r2", "b", "a", 20, 10, 9, 9, 1, 1, 2, 9, Instant.EPOCH);
    ShadowReport stale =
        new ShadowReport("r3", "b", "old", 99, 99, 0, 0, 0, 0, 0, 9, Instant.EPOCH);
    for (ShadowReport r : List.of(first, later, other, stale)) {
      topic.accept(ModelTopic.reportKey("b", r.replica()), RegistryJson.write(r));
    }

    ShadowReport sum = ShadowReport.sum("b", "a", topic.snapshot().reports("b"));
    assertThat(sum.scored()).as("latest of r1, r2; r3 compared another version").isEqualTo(50);
    assertThat(sum.labelled()).isEqualTo(25);
    assertThat(sum.disagreements()).isEqualTo(3);

    topic.accept(ModelTopic.reportKey("b", "r1"), null);
    assertThat(topic.snapshot().reports("b"))
        .extracting(ShadowReport::replica)
        .containsExactlyInAnyOrder("r2", "r3");
  }
}
