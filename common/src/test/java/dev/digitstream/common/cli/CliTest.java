package dev.digitstream.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
        case "user" -> throw new UserFacingException("model.zip is not a model");
        default -> 0;
      };
    }
  }

  private static int run(List<String> errors, String... args) {
    var err = new ByteArrayOutputStream();
    int code =
        Cli.withOneLineErrors(
                new CommandLine(new Tool()),
                "tool",
                new Console(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
            .execute(args);
    err.toString(StandardCharsets.UTF_8).lines().limit(1).forEach(errors::add);
    return code;
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

  @Test
  void userFacingExceptionsAreExpectedToo() {
    List<String> errors = new ArrayList<>();
    assertThat(run(errors, "--fail", "user")).isEqualTo(1);
    assertThat(errors).containsExactly("tool: model.zip is not a model");
  }

  /** Records what {@link Cli#exitAfter} does to the JVM instead of doing it. */
  static final class FakeJvm implements Cli.Jvm {
    final AtomicReference<Thread> hook = new AtomicReference<>();
    final AtomicInteger exited = new AtomicInteger(-1);
    final AtomicInteger halted = new AtomicInteger(-1);

    @Override
    public void addShutdownHook(Thread hook) {
      this.hook.set(hook);
    }

    @Override
    public void exit(int code) {
      exited.set(code);
    }

    @Override
    public void halt(int code) {
      halted.set(code);
    }
  }

  @Test
  void shouldExitWithTheBodysCodeWhenItEndsByItself() {
    FakeJvm jvm = new FakeJvm();

    Cli.exitAfter(Duration.ofSeconds(5), stop -> stop.getAsBoolean() ? 9 : 3, jvm);
    jvm.hook.get().run(); // System.exit runs the hooks: this one must not change the code

    assertThat(jvm.exited).hasValue(3);
    assertThat(jvm.halted).hasValue(-1);
  }

  @Test
  void aSignalShouldStopTheBodyAndExitWithItsCodeOnceItHasDrained() throws Exception {
    FakeJvm jvm = new FakeJvm();
    Thread main =
        new Thread(
            () ->
                Cli.exitAfter(
                    Duration.ofSeconds(30),
                    stop -> {
                      while (!stop.getAsBoolean()) {
                        Thread.onSpinWait();
                      }
                      return 0; // drained
                    },
                    jvm));
    main.start();
    while (jvm.hook.get() == null) {
      Thread.onSpinWait();
    }

    jvm.hook.get().run(); // SIGTERM: returns once the body has finished

    main.join(10_000);
    assertThat(jvm.halted).hasValue(0);
    assertThat(main.isAlive()).isFalse();
  }

  @Test
  void aBodyThatDoesNotFinishWithinTheGraceLeavesTheSignalsExit() throws Exception {
    FakeJvm jvm = new FakeJvm();
    var release = new java.util.concurrent.CountDownLatch(1);
    Thread main =
        new Thread(
            () ->
                Cli.exitAfter(
                    Duration.ofMillis(50),
                    stop -> {
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return 0;
                    },
                    jvm));
    main.start();
    while (jvm.hook.get() == null) {
      Thread.onSpinWait();
    }

    jvm.hook.get().run();

    assertThat(jvm.halted).hasValue(-1);
    release.countDown();
    main.join(10_000);
  }
}
