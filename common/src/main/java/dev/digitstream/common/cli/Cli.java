package dev.digitstream.common.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import picocli.CommandLine;

/**
 * What every command line of the project does the same way. Exit codes: 2 for bad options, 1 for a
 * failure; expected failures (bad files, unreachable brokers) print one line, unexpected ones also
 * their stack trace.
 */
public final class Cli {

  private Cli() {}

  /**
   * Sets {@code cli}'s error handling: a bad option prints {@code name: message (see 'name
   * --help')} and exits 2; an {@code expected} failure prints {@code name: message} and exits 1;
   * any other failure also prints its stack trace and exits 1.
   */
  public static CommandLine withOneLineErrors(
      CommandLine cli, String name, Predicate<Throwable> expected, Consumer<String> err) {
    return cli.setParameterExceptionHandler(
            (e, argv) -> {
              err.accept(
                  "%s: %s (see '%s --help')"
                      .formatted(name, e.getMessage(), e.getCommandLine().getCommandName()));
              return 2;
            })
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (expected.test(e)) {
                err.accept(name + ": " + e.getMessage());
              } else {
                err.accept(name + ": unexpected failure: " + e);
                e.printStackTrace();
              }
              return 1;
            });
  }

  /**
   * Runs {@code body} and exits with its code. Ctrl-C or SIGTERM sets the flag {@code body} is
   * given; the JVM then waits up to {@code grace} for {@code body} to finish (print its summary,
   * close what it opened) before it exits.
   */
  public static void exitAfter(Duration grace, ToIntFunction<BooleanSupplier> body) {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "graceful-stop"));
    int code;
    try {
      code = body.applyAsInt(stop::get);
    } finally {
      finished.countDown();
    }
    System.exit(code);
  }
}
