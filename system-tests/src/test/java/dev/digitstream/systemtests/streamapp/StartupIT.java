package dev.digitstream.systemtests.streamapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppEnv;
import dev.digitstream.testsupport.StreamAppProcess;
import dev.digitstream.testsupport.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses bad models, missing topics and bad configuration, before consuming anything. */
@Tag("quick") // in the quick tier: -Pquick
@Timeout(180)
class StartupIT {

  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopic("images", 1);
    kafka.createTopic("predictions", 1);
    kafka.createTopic("images-dlq", 1);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private Map<String, String> env() {
    return StreamAppEnv.of(kafka.bootstrapServers(), Fixtures.unique("startup"))
        .topics("images", "predictions", "images-dlq")
        .toMap();
  }

  @Test
  void shouldRefuseAMissingCorruptOrForeignModel() throws Exception {
    Map<String, String> env = env();
    env.put(StreamAppConfig.MODEL_PATH, dir.resolve("missing.zip").toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("missing.zip: file not found");

    env.put(
        StreamAppConfig.MODEL_PATH,
        Files.writeString(dir.resolve("corrupt.zip"), "not a zip").toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .hasMessageContaining("corrupt or not a model file");

    Path truncated = dir.resolve("truncated.zip");
    byte[] good = Files.readAllBytes(TrainedModel.get());
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 3));
    env.put(StreamAppConfig.MODEL_PATH, truncated.toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class);
  }

  @Test
  void shouldRefuseAMissingInputTopicUnlessAskedToCreateIt() throws Exception {
    Map<String, String> env = env();
    String topic = Fixtures.unique("absent");
    env.put(StreamAppConfig.INPUT_TOPIC, topic);

    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("[" + topic + "] do not exist")
        .hasMessageContaining("CREATE_TOPICS=true");

    env.put(StreamAppConfig.CREATE_TOPICS, "true");
    env.put(StreamAppConfig.TOPIC_PARTITIONS, "3");
    try (StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(env))) {
      assertThat(app.modelVersion()).hasSize(16);
    }
    try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
      assertThat(
              admin
                  .describeTopics(java.util.List.of(topic))
                  .allTopicNames()
                  .get()
                  .get(topic)
                  .partitions())
          .hasSize(3);
    }
  }

  @Test
  void shouldExitWithOneClearLinePerProblemOnBadConfiguration() throws Exception {
    try (StreamAppProcess app =
        StreamAppProcess.start(
            Map.of(
                StreamAppConfig.BATCH_MAX_SIZE,
                "lots",
                StreamAppConfig.PROCESSING_GUARANTEE,
                "maybe"),
            "startup-bad-configuration")) {
      int exit = app.awaitExit(Duration.ofSeconds(60));
      String log = Files.readString(app.log());
      assertThat(exit).as("exited within 60 s").isNotEqualTo(-1);
      assertThat(exit).isEqualTo(2);
      assertThat(log)
          .contains("configuration: BATCH_MAX_SIZE must be an integer, got 'lots'")
          .contains("configuration: PROCESSING_GUARANTEE must be one of");
    }
  }

  @Test
  void shouldExitNonZeroWithOneLineAndConsumeNothingOnAMissingTruncatedOrForeignModel()
      throws Exception {
    byte[] good = Files.readAllBytes(TrainedModel.get());
    Path truncated =
        Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(good, good.length / 2));
    Path foreign = TestModels.saveAnotherArchitecture(dir.resolve("mlp.zip"));

    Map<Path, String> expected =
        Map.of(
            dir.resolve("nowhere"),
            "cannot start: model " + dir.resolve("nowhere") + ": file not found",
            truncated,
            "cannot start: ",
            foreign,
            "is not the LeNet this pipeline serves");
    for (var fault : expected.entrySet()) {
      Map<String, String> env = env();
      env.put(StreamAppConfig.MODEL_PATH, fault.getKey().toString());
      String log;
      try (StreamAppProcess app =
          StreamAppProcess.start(env, "startup-model-" + fault.getKey().getFileName())) {
        int exit = app.awaitExit(Duration.ofSeconds(60));
        log = Files.readString(app.log());
        assertThat(exit).as("exited within 60 s: %s", log).isNotEqualTo(-1);
        assertThat(exit).as(log).isEqualTo(1);
      }
      assertThat(log.lines().filter(l -> l.contains("ERROR")))
          .as(log)
          .singleElement()
          .asString()
          .contains(fault.getValue());
      try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
        assertThat(
                admin
                    .listConsumerGroupOffsets(env.get(StreamAppConfig.APPLICATION_ID))
                    .partitionsToOffsetAndMetadata()
                    .get())
            .as("offsets committed by %s", fault.getKey())
            .isEmpty();
      }
    }
  }
}
