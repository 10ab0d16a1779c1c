package dev.digitstream.streamapp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses bad models, missing topics and bad configuration, before consuming anything. */
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
    return Fixtures.appEnv(
        kafka.bootstrapServers(),
        Fixtures.unique("startup"),
        "images",
        "predictions",
        "images-dlq");
  }

  @Test
  void shouldRefuseAMissingCorruptOrForeignModel() throws Exception {
    Map<String, String> env = env();
    env.put("MODEL_PATH", dir.resolve("missing.zip").toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("missing.zip: file not found");

    env.put("MODEL_PATH", Files.writeString(dir.resolve("corrupt.zip"), "not a zip").toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .hasMessageContaining("corrupt or not a model file");

    Path truncated = dir.resolve("truncated.zip");
    byte[] good = Files.readAllBytes(Fixtures.trainedModel());
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 3));
    env.put("MODEL_PATH", truncated.toString());
    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class);
  }

  @Test
  void shouldRefuseAMissingInputTopicUnlessAskedToCreateIt() throws Exception {
    Map<String, String> env = env();
    String topic = Fixtures.unique("absent");
    env.put("INPUT_TOPIC", topic);

    assertThatThrownBy(() -> StreamApp.start(StreamAppConfig.fromEnv(env)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("[" + topic + "] do not exist")
        .hasMessageContaining("CREATE_TOPICS=true");

    env.put("CREATE_TOPICS", "true");
    env.put("TOPIC_PARTITIONS", "3");
    try (StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(env))) {
      assertThat(app.model().metadata().versionId()).hasSize(16);
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
    Process app = launch(Map.of("BATCH_MAX_SIZE", "lots", "PROCESSING_GUARANTEE", "maybe"));

    assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String log = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(app.exitValue()).isEqualTo(2);
    assertThat(log)
        .contains("configuration: BATCH_MAX_SIZE must be an integer, got 'lots'")
        .contains("configuration: PROCESSING_GUARANTEE must be one of");
  }

  @Test
  void shouldExitNonZeroWithOneLineAndConsumeNothingOnAMissingTruncatedOrForeignModel()
      throws Exception {
    byte[] good = Files.readAllBytes(Fixtures.trainedModel());
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
      env.put("MODEL_PATH", fault.getKey().toString());
      Process app = launch(env);

      assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(app.exitValue()).as(log).isEqualTo(1);
      assertThat(log.lines().filter(l -> l.contains("ERROR")))
          .as(log)
          .singleElement()
          .asString()
          .contains(fault.getValue());
      try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
        assertThat(
                admin
                    .listConsumerGroupOffsets(env.get("APPLICATION_ID"))
                    .partitionsToOffsetAndMetadata()
                    .get())
            .as("offsets committed by %s", fault.getKey())
            .isEmpty();
      }
    }
  }

  private static Process launch(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-jar", Path.of("target", "stream-app.jar").toString())
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder.start();
  }
}
