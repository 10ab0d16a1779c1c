package dev.digitstream.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliTest {

  @Command(name = "tool")
  static final class Tool implements Callable<Integer> {
    @Option(names = "--fail")
    String fail = "";

    @Override
    public Integer call() throws Exception {
      return switch (fail) {
        case "expected" -> throw new IOException("data.idx: truncated");
        case "unexpected" -> throw new IllegalStateException("bug");
        default -> 0;
      };
    }
  }

  private static int run(List<String> errors, String... args) {
    return Cli.withOneLineErrors(
            new CommandLine(new Tool()), "tool", e -> e instanceof IOException, errors::add)
        .execute(args);
  }

  @Test
  void badOptionsExitTwoWithOneLinePointingAtHelp() {
    List<String> errors = new ArrayList<>();
    assertThat(run(errors, "--nope")).isEqualTo(2);
    assertThat(errors).containsExactly("tool: Unknown option: '--nope' (see 'tool --help')");
  }

  @Test
  void expectedFailuresExitOneWithTheirMessageOnly() {
    List<String> errors = new ArrayList<>();
    assertThat(run(errors, "--fail", "expected")).isEqualTo(1);
    assertThat(errors).containsExactly("tool: data.idx: truncated");
  }

  @Test
  void unexpectedFailuresSaySo() {
    List<String> errors = new ArrayList<>();
    assertThat(run(errors, "--fail", "unexpected")).isEqualTo(1);
    assertThat(errors)
        .containsExactly("tool: unexpected failure: java.lang.IllegalStateException: bug");
    assertThat(run(errors, "--fail", "none")).isZero();
  }
}
