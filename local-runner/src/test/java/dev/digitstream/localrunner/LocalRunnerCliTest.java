package dev.digitstream.localrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.cli.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRunnerCliTest {

  @Test
  void badOptionsGiveOneLineAndExitTwoBeforeStartingAnything() {
    for (String[] args :
        new String[][] {{"--count", "0"}, {"--rate", "-1"}, {"--partitions", "x"}, {"--nope"}}) {
      var err = new ByteArrayOutputStream();
      var console = new Console(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = LocalRunnerCli.run(args, Map.of(), console, () -> false);
      String text = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(text.strip().lines())
          .as(text)
          .hasSize(1)
          .allMatch(l -> l.startsWith("pipeline: "));
    }
  }
}
