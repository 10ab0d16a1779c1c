package dev.digitstream.common.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;

/**
 * What every entry point of the project does the same way: error handling and exit. Exit codes: 2
 * for bad options, 1 for a failure; {@linkplain #isExpected expected} failures print one line,
 * unexpected ones also their stack trace.
 */
public final class Cli {

  private Cli() {}

  /**
   * Whether {@code e} is a failure the user can act on (a bad file, an unreachable broker, a value
   * out of range), reported in one line without a stack trace: a {@link UserFacingException}, an
   * I/O failure, a Kafka client failure, or an {@link IllegalArgumentException}.
   */
  public static boolean isExpected(Throwable e) {
    return e instanceof UserFacingException
        || e instanceof IOException
        || e instanceof UncheckedIOException
        || e instanceof KafkaException
        || e instanceof IllegalArgumentException;
  }

  /**
   * Sets {@code cli}'s error handling: a bad option prints {@code name: message (see 'name
   * --help')} and exits 2; an {@linkplain #isExpected expected} failure prints {@code name:
   * message} and exits 1; any other failure also prints its stack trace and exits 1.
   */
  public static CommandLine withOneLineErrors(CommandLine cli, String name, Console console) {
    return cli.setParameterExceptionHandler(
            (e, argv) -> {
              console.error(
                  "%s: %s (see '%s --help')"
                      .formatted(name, e.getMessage(), e.getCommandLine().getCommandName()));
              return 2;
            })
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (isExpected(e)) {
                console.error(name + ": " + e.getMessage());
              } else {
                console.error(name + ": unexpected failure: " + e);
                e.printStackTrace(console.err());
                console.err().flush();
              }
              return 1;
            });
  }

  /**
   * Runs {@code body} and exits with the code it returns. SIGTERM or Ctrl-C (SIGINT) sets the flag
   * {@code body} is given; the JVM then waits up to {@code grace} for {@code body} to finish
   * (drain, print its summary, close what it opened) and exits with its code. When {@code body}
   * does not finish within {@code grace}, the JVM exits as it does on that signal (143 or 130).
   * With a zero grace a signal ends the JVM at once, as if no hook were there.
   */
  public static void exitAfter(Duration grace, ToIntFunction<BooleanSupplier> body) {
    exitAfter(grace, body, Jvm.RUNTIME);
  }

  static void exitAfter(Duration grace, ToIntFunction<BooleanSupplier> body, Jvm jvm) {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger code = new AtomicInteger(1);
    CountDownLatch finished = new CountDownLatch(1);
    jvm.addShutdownHook(
        new Thread(
            () -> {
              if (finished.getCount() == 0) {
                return; // body returned and called exit: the JVM already exits with its code
              }
              stop.set(true);
              try {
                if (finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                  // once the JVM shuts down on a signal, halting is the only way to set its status
                  jvm.halt(code.get());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "graceful-stop"));
    try {
      code.set(body.applyAsInt(stop::get));
    } finally {
      finished.countDown();
    }
    jvm.exit(code.get());
  }

  /** The JVM operations {@link #exitAfter} needs, replaceable in tests. */
  interface Jvm {
    Jvm RUNTIME =
        new Jvm() {
          @Override
          public void addShutdownHook(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
          }

          @Override
          public void exit(int code) {
            System.exit(code);
          }

          @Override
          public void halt(int code) {
            Runtime.getRuntime().halt(code);
          }
        };

    void addShutdownHook(Thread hook);

    void exit(int code);

    void halt(int code);
  }
}
