package dev.digitstream.trainer;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.common.cli.Console;
import dev.digitstream.trainer.cli.BenchmarkCommand;
import dev.digitstream.trainer.cli.CalibrateCommand;
import dev.digitstream.trainer.cli.EvaluateCommand;
import dev.digitstream.trainer.cli.ModelsCommand;
import dev.digitstream.trainer.cli.PromoteCommand;
import dev.digitstream.trainer.cli.PublishCommand;
import dev.digitstream.trainer.cli.RollbackCommand;
import dev.digitstream.trainer.cli.TrainCommand;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code trainer}. Expected failures (bad options, missing or corrupt files) end
 * with one line on stderr and exit code 2 (usage) or 1 (everything else); unexpected ones also
 * print their stack trace.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    version = "digit-stream trainer 0.1.0",
    description = {
      "Trains and evaluates the LeNet digit classifier on MNIST, publishes models to the model",
      "topic and decides which version serves."
    },
    subcommands = {
      TrainCommand.class,
      CalibrateCommand.class,
      EvaluateCommand.class,
      BenchmarkCommand.class,
      PublishCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      ModelsCommand.class
    })
public final class TrainerCli {

  public static void main(String[] args) {
    // nothing to drain: a signal ends the trainer at once
    Cli.exitAfter(Duration.ZERO, stop -> run(args, Console.system(), System.getenv()));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String[] args, Console console, Map<String, String> env) {
    return Cli.withOneLineErrors(
            new CommandLine(new TrainerCli(), new Factory(console, env)), "trainer", console)
        .execute(args);
  }

  /** Builds the commands with the console and environment they are given. */
  private record Factory(Console console, Map<String, String> env) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == TrainCommand.class) {
        return type.cast(new TrainCommand(console, env));
      }
      if (type == CalibrateCommand.class) {
        return type.cast(new CalibrateCommand(console, env));
      }
      if (type == EvaluateCommand.class) {
        return type.cast(new EvaluateCommand(console, env));
      }
      if (type == BenchmarkCommand.class) {
        return type.cast(new BenchmarkCommand(console, env));
      }
      if (type == PublishCommand.class) {
        return type.cast(new PublishCommand(console, env));
      }
      if (type == PromoteCommand.class) {
        return type.cast(new PromoteCommand(console, env));
      }
      if (type == RollbackCommand.class) {
        return type.cast(new RollbackCommand(console, env));
      }
      if (type == ModelsCommand.class) {
        return type.cast(new ModelsCommand(console, env));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
