package dev.digitstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The registry against a real broker: publish, read, fetch, refuse, decide. */
@Timeout(180)
class RegistryClientIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  private String topic;
  private RegistryClient client;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void newTopic() {
    topic = "models-" + UUID.randomUUID();
    client = new RegistryClient(kafka.clientProperties(), topic);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void shouldPublishReadAndFetchTheSameModel() throws Exception {
    assertThat(client.topicExists(TIMEOUT)).isFalse();
    client.createTopic(1);
    assertThat(client.topicExists(TIMEOUT)).isTrue();
    LoadedModel model = TestModels.untrained(7);
    Path file = save(model, "a.zip");

    RegistryClient.Published published = client.publish(file, TIMEOUT);

    ModelManifest manifest = published.manifest();
    assertThat(published.written()).isTrue();
    assertThat(manifest.version()).isEqualTo(model.metadata().versionId());
    assertThat(manifest.size()).isEqualTo(Files.size(file));
    assertThat(manifest.chunks()).isEqualTo(ModelTopic.chunkCount(manifest.size()));
    assertThat(manifest.chunks()).as("a LeNet spans several chunks").isGreaterThan(1);
    RegistrySnapshot snapshot = client.read(TIMEOUT);
    assertThat(snapshot.manifests()).containsExactly(Map.entry(manifest.version(), manifest));
    assertThat(snapshot.decision()).isEmpty();
    assertThat(snapshot.serving()).isEmpty();
    LoadedModel fetched = client.fetch(manifest.version(), TIMEOUT);
    assertThat(fetched.metadata()).isEqualTo(model.metadata());
    assertThat(fetched.network().params()).isEqualTo(model.network().params());
  }

  @Test
  void shouldWriteNothingWhenTheSameModelIsPublishedAgain() throws Exception {
    client.createTopic(1);
    Path file = save(TestModels.untrained(8), "a.zip");
    ModelManifest first = client.publish(file, TIMEOUT).manifest();
    long records = records();

    RegistryClient.Published again = client.publish(file, TIMEOUT);

    assertThat(again.written()).isFalse();
    assertThat(again.manifest()).isEqualTo(first);
    assertThat(records()).isEqualTo(records).isEqualTo(first.chunks() + 1L);
  }

  @Test
  void shouldRefuseToFetchAModelWithACorruptChunk() throws Exception {
    client.createTopic(1);
    ModelManifest manifest =
        client.publish(save(TestModels.untrained(9), "a.zip"), TIMEOUT).manifest();

    write(ModelTopic.chunkKey(manifest.version(), 0), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> client.fetch(manifest.version(), TIMEOUT))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("model " + manifest.version() + ": SHA-256 ")
        .hasMessageContaining("does not match the manifest's " + manifest.sha256());
  }

  @Test
  void shouldRefuseToFetchAModelWithAMissingChunk() throws Exception {
    client.createTopic(1);
    ModelManifest manifest =
        client.publish(save(TestModels.untrained(10), "a.zip"), TIMEOUT).manifest();

    write(ModelTopic.chunkKey(manifest.version(), 1), null); // a tombstone: the chunk is gone

    assertThatThrownBy(() -> client.fetch(manifest.version(), TIMEOUT))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "model %s: chunk 1 of %d missing".formatted(manifest.version(), manifest.chunks()));
  }

  @Test
  void shouldRefuseToFetchAVersionThatIsNotPublished() {
    client.createTopic(1);

    assertThatThrownBy(() -> client.fetch("0000000000000000", TIMEOUT))
        .isInstanceOf(RegistryException.class)
        .hasMessage("model 0000000000000000 is not published (no manifest on the topic)");
  }

  @Test
  void shouldRefuseToReadAMissingTopic() {
    assertThatThrownBy(() -> client.read(TIMEOUT))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("do not exist");
  }

  @Test
  void shouldChainDecisionsThroughTheirPreviousVersion() throws Exception {
    client.createTopic(1);
    String a =
        client.publish(save(TestModels.untrained(11), "a.zip"), TIMEOUT).manifest().version();
    String b =
        client.publish(save(TestModels.untrained(12), "b.zip"), TIMEOUT).manifest().version();

    assertThatThrownBy(() -> client.decide("ffffffffffffffff", Decision.PROMOTE, "typo"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("ffffffffffffffff is not published");
    Decision first = client.decide(a, Decision.PROMOTE, "first model");
    Decision second = client.decide(b, Decision.PROMOTE, "better");
    Decision third = client.decide(second.previous(), Decision.ROLLBACK, "drift");

    assertThat(first)
        .extracting(Decision::sequence, Decision::version, Decision::previous)
        .containsExactly(1L, a, null);
    assertThat(second)
        .extracting(Decision::sequence, Decision::version, Decision::previous)
        .containsExactly(2L, b, a);
    assertThat(third)
        .extracting(Decision::sequence, Decision::version, Decision::action, Decision::previous)
        .containsExactly(3L, a, Decision.ROLLBACK, b);
    RegistrySnapshot snapshot = client.read(TIMEOUT);
    assertThat(snapshot.decision()).contains(third);
    assertThat(snapshot.serving()).contains(a);
    assertThat(snapshot.manifests().keySet()).containsExactly(a, b);
    assertThatThrownBy(() -> client.decide(a, Decision.PROMOTE, null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("already serving");
  }

  @Test
  void shouldRetireUnjudgedEarlierVersionsAtAPromotionSoThatARollbackDoesNotReviveThem()
      throws Exception {
    client.createTopic(1);
    String a =
        client.publish(save(TestModels.untrained(21), "a.zip"), TIMEOUT).manifest().version();
    String b =
        client.publish(save(TestModels.untrained(22), "b.zip"), TIMEOUT).manifest().version();
    String c =
        client.publish(save(TestModels.untrained(23), "c.zip"), TIMEOUT).manifest().version();
    client.decide(a, Decision.PROMOTE, null, TIMEOUT);
    client.decide(c, Decision.PROMOTE, "skipping b", TIMEOUT);

    RegistrySnapshot promoted = client.read(TIMEOUT);
    assertThat(promoted.status(b)).get().extracting(ModelStatus::state).isEqualTo("retired");
    assertThat(promoted.status(b).get().reason()).isEqualTo("superseded by " + c);
    assertThat(promoted.status(a)).as("the replaced version: its probation judges it").isEmpty();
    assertThat(promoted.shadowTarget(c, true)).contains(a);

    client.decide(a, Decision.ROLLBACK, "c was worse", TIMEOUT);
    RegistrySnapshot rolledBack = client.read(TIMEOUT);
    assertThat(rolledBack.status(c)).get().extracting(ModelStatus::state).isEqualTo("rejected");
    assertThat(rolledBack.shadowTarget(a, true)).as("b does not come back").isEmpty();
  }

  private Path save(LoadedModel model, String name) throws Exception {
    Path file = dir.resolve(name);
    ModelFiles.save(model.network(), model.metadata(), file);
    return file;
  }

  private long records() {
    try (var admin = Admin.create(kafka.clientProperties())) {
      var partition = new TopicPartition(topic, 0);
      return admin
          .listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get(30, TimeUnit.SECONDS)
          .offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void write(String key, byte[] value) throws Exception {
    try (var producer =
        new KafkaProducer<>(
            kafka.clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }
}
