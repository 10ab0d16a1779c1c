package dev.digitstream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.cli.Console;
import dev.digitstream.trainer.TrainerCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The registry commands where no broker is needed: bad options, and a broker that is not there. */
@Timeout(60)
class RegistryCommandsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return TrainerCli.run(args, console, env);
  }

  private List<String> stderrLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void shouldRejectBadOptionsWithOneLineAndExitCode2() {
    assertThat(run(Map.of(), "publish")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--model");
    assertThat(run(Map.of(), "promote")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("VERSION");
    assertThat(run(Map.of(), "models", "--timeout", "soon")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("is not a duration");
    assertThat(run(Map.of(), "rollback", "--timeout", "0s")).isEqualTo(2);
    assertThat(stderrLines()).singleElement().asString().contains("--timeout must be positive");
  }

  @Test
  void shouldGiveUpOnAnUnreachableBrokerWithOneLineAndExitCode1() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }

    int code =
        run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port), "models", "--timeout", "2s");

    assertThat(code).isEqualTo(1);
    assertThat(stderrLines())
        .singleElement()
        .isEqualTo("trainer: cannot reach Kafka at 127.0.0.1:%d within 2 s".formatted(port));
  }

  @Test
  void shouldTakeTheTopicAndServersFromOptionsThenEnvironmentThenDefaults() {
    RegistryOptions options = new RegistryOptions();

    assertThat(options.topic(Map.of())).isEqualTo("models");
    assertThat(options.topic(Map.of("MODEL_TOPIC", "m2"))).isEqualTo("m2");
    assertThat(options.kafkaProperties(Map.of()))
        .containsEntry("bootstrap.servers", "127.0.0.1:9092");
    assertThat(
            options.kafkaProperties(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "a:9092",
                    "KAFKA_CFG_SECURITY_PROTOCOL",
                    "SASL_SSL")))
        .containsEntry("bootstrap.servers", "a:9092")
        .containsEntry("security.protocol", "SASL_SSL");
    options.modelTopic = "m3";
    options.bootstrapServers = "b:9092";
    assertThat(options.topic(Map.of("MODEL_TOPIC", "m2"))).isEqualTo("m3");
    assertThat(options.kafkaProperties(Map.of("KAFKA_BOOTSTRAP_SERVERS", "a:9092")))
        .containsEntry("bootstrap.servers", "b:9092");
  }
}
