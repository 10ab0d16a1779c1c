package dev.digitstream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.cli.Console;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.TestModels;
import dev.digitstream.trainer.TrainerCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** publish, promote, rollback and models against a real broker: output and exit codes. */
@Timeout(240)
class RegistryCommandsIT {

  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  private final String topic = "models-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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

  /** Runs the trainer with the broker and topic from the environment, as a deployment would. */
  private int run(String... args) {
    out.reset();
    err.reset();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return TrainerCli.run(
        args,
        console,
        Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "MODEL_TOPIC", topic));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<String> stderrLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void shouldPublishPromoteRollBackAndList() throws Exception {
    String a = save(TestModels.untrained(21), "a");
    String b = save(TestModels.untrained(22), "b");

    // a missing topic is one line, exit 1, until --create-topic
    assertThat(run("models")).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains(topic).contains("do not exist");
    assertThat(run("publish", "--model", dir.resolve("a").toString())).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("--create-topic");

    assertThat(run("publish", "--model", dir.resolve("a").toString(), "--create-topic"))
        .as(err.toString())
        .isZero();
    assertThat(stdout()).startsWith("published model " + a + " to topic " + topic);
    assertThat(run("publish", "--model", dir.resolve("a").toString())).isZero();
    assertThat(stdout())
        .contains("model " + a + " is already on topic")
        .contains("nothing written");
    assertThat(run("publish", "--model", dir.resolve("b").resolve("model.zip").toString()))
        .isZero();

    assertThat(run("models")).isZero();
    assertThat(stdout().lines().toList())
        .hasSize(4)
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("VERSION").contains("TEST ACC"))
        .satisfies(
            lines -> assertThat(lines.get(1)).startsWith(a).contains("test").contains("10.00 %"))
        .satisfies(lines -> assertThat(lines.get(1)).endsWith("candidate"))
        .satisfies(lines -> assertThat(lines.get(2)).startsWith(b).endsWith("shadow"))
        .satisfies(
            lines ->
                assertThat(lines.get(3))
                    .isEqualTo("no decision yet: replicas serve their MODEL_PATH model"));

    assertThat(run("rollback")).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("nothing to roll back");
    assertThat(run("promote", "ffffffffffffffff")).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("is not published");

    assertThat(run("promote", a, "--reason", "first")).isZero();
    assertThat(stdout().strip())
        .isEqualTo(
            "promoted %s on topic %s (decision #1, previous none, reason: first)"
                .formatted(a, topic));
    assertThat(run("rollback")).isEqualTo(1);
    assertThat(stderrLines()).singleElement().asString().contains("names no previous version");
    assertThat(run("promote", b)).isZero();
    assertThat(run("rollback", "--reason", "drift")).isZero();
    assertThat(stdout().strip())
        .isEqualTo(
            "rolled back to %s on topic %s (decision #3, previous %s, reason: drift)"
                .formatted(a, topic, b));

    assertThat(run("models")).isZero();
    List<String> lines = stdout().lines().toList();
    assertThat(lines.get(1)).startsWith(a).endsWith("serving");
    assertThat(lines.get(2)).startsWith(b).endsWith("rejected");
    assertThat(lines.get(3))
        .startsWith(b + " rejected at ")
        .endsWith("rolled back to " + a + ": drift");
    assertThat(lines.get(4)).startsWith("decision #3 at ").contains("rollback " + a);
  }

  /** Saves a model as a run folder {@code dir/name/model.zip}; returns its version. */
  private String save(LoadedModel model, String name) throws Exception {
    Path file = dir.resolve(name).resolve(ModelFiles.FILE_NAME);
    Files.createDirectories(file.getParent());
    ModelFiles.save(model.network(), model.metadata(), file);
    return model.metadata().versionId();
  }
}
