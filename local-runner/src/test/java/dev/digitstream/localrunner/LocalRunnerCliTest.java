package dev.digitstream.localrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRunnerCliTest {

  @Test
  void badOptionsGiveOneLineAndExitTwoBeforeStartingAnything() {
    PrintStream oldErr = System.err;
    for (String[] args :
        new String[][] {{"--count", "0"}, {"--rate", "-1"}, {"--partitions", "x"}, {"--nope"}}) {
      var err = new ByteArrayOutputStream();
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = LocalRunnerCli.run(args, Map.of(), System.out, () -> false);
      } finally {
        System.setErr(oldErr);
      }
      String text = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(text.strip().lines())
          .as(text)
          .hasSize(1)
          .allMatch(l -> l.startsWith("pipeline: "));
    }
  }
}
