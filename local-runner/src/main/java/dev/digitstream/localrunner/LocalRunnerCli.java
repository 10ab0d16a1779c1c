package dev.digitstream.localrunner;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.DurationConverter;
import dev.digitstream.common.cli.UserFacingException;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: the whole pipeline, end to end, in one command. Exit codes: 0 success, 1 failure
 * (one line on stderr), 2 bad options, 3 the producer's verification found records missing,
 * duplicated or unexpected.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    version = "digit-stream pipeline 0.1.0",
    description =
        "Runs the whole pipeline locally: a Kafka broker (embedded unless $KAFKA_BOOTSTRAP_SERVERS"
            + " is set), a model (the newest under --models-dir, or a short training), the"
            + " stream-app, and the producer over the MNIST test images with --verify; then prints"
            + " throughput, latency, accuracy and dead letters.")
public final class LocalRunnerCli implements Callable<Integer> {

  @Option(
      names = "--models-dir",
      defaultValue = "models",
      description = "where models are found, or trained into (default: ${DEFAULT-VALUE})")
  private Path modelsDir;

  @Option(names = "--model", description = "a model file or run folder to serve instead")
  private Path model;

  @Option(
      names = "--data-dir",
      description = "MNIST folder (default: $MNIST_DIR or data/mnist; downloaded when missing)")
  private Path dataDir;

  @Option(
      names = "--train-epochs",
      defaultValue = "2",
      description = "epochs of the training run when there is no model (default: ${DEFAULT-VALUE})")
  private int trainEpochs;

  @Option(
      names = {"-n", "--count"},
      defaultValue = "10000",
      description = "images to send (default: ${DEFAULT-VALUE}, the MNIST test set)")
  private long count;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "1000",
      description =
          "images per second, open-loop; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  private double rate;

  @Option(
      names = "--warm-up-seconds",
      defaultValue = "3",
      converter = DurationConverter.class,
      description =
          "seconds of unmeasured load first, so JIT warm-up is not counted (default: ${DEFAULT-VALUE})")
  private Duration warmUp;

  @Option(
      names = "--malformed-fraction",
      defaultValue = "0.01",
      description =
          "fraction of malformed records, to show the dead-letter path (default: ${DEFAULT-VALUE})")
  private double malformedFraction;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "partitions of the input topic when it is created (default: ${DEFAULT-VALUE})")
  private int partitions;

  @Option(
      names = "--metrics-port",
      defaultValue = "9404",
      description =
          "the stream-app's metrics port on 127.0.0.1; 0 = any (default: ${DEFAULT-VALUE})")
  private int metricsPort;

  @Option(names = "--report", description = "also write the producer's figures as JSON here")
  private Path report;

  @Option(
      names = "--verbose",
      description =
          "also print every log line at INFO and above on the console (they always go to "
              + LOG_FILE
              + ")")
  private boolean verbose;

  @Option(
      names = "--stay-up",
      description = "keep the broker and stream-app running after the load, until Ctrl-C")
  private boolean stayUp;

  /**
   * Where the runner's logs go (relative to the working folder; ./run-pipeline runs from the root).
   */
  static final String LOG_FILE = "target/run-pipeline.log";

  private final Map<String, String> env;
  private final Console console;
  private final BooleanSupplier stop;

  LocalRunnerCli(Map<String, String> env, Console console, BooleanSupplier stop) {
    this.env = env;
    this.console = console;
    this.stop = stop;
  }

  public static void main(String[] args) {
    // Each component jar carries its own logback.xml; the runner uses its own, set before the
    // first logger: the console carries the runner's output, the logs go to LOG_FILE.
    System.setProperty("logback.configurationFile", "local-runner-logback.xml");
    System.setProperty("digitstream.log.file", LOG_FILE);
    if (List.of(args).contains("--verbose")) {
      System.setProperty("digitstream.console.level", "INFO");
    }
    Cli.exitAfter(
        Duration.ofSeconds(30), stop -> run(args, System.getenv(), Console.system(), stop));
  }

  /**
   * Runs the command line and returns its exit code; once {@code stop} is true the run ends
   * cleanly.
   */
  public static int run(
      String[] args, Map<String, String> env, Console console, BooleanSupplier stop) {
    return Cli.withOneLineErrors(
            new CommandLine(new LocalRunnerCli(env, console, stop)), "pipeline", console)
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (count <= 0 || rate < 0 || partitions < 1 || trainEpochs < 1 || warmUp.isNegative()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--count, --partitions and --train-epochs must be positive, --rate and --warm-up-seconds 0 or more");
    }
    var options =
        new LocalRunner.Options(
            env.get(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS),
            model,
            modelsDir,
            dataDir,
            trainEpochs,
            partitions,
            metricsPort);
    console.println("logs: " + LOG_FILE + (verbose ? " and the console" : ""));
    try (LocalRunner pipeline = start(options)) {
      console.printf(
          "sending %,d MNIST test images at %s after %d s of warm-up%n",
          count, rate == 0 ? "full speed" : "%,.0f/s".formatted(rate), warmUp.toSeconds());
      int code = ProducerCli.run(producerArgs(pipeline), env, stop);
      console.println("model         " + pipeline.model());
      console.println("metrics       " + pipeline.metricsUrl());
      console.println(
          "kafka         "
              + pipeline.bootstrapServers()
              + "  (topics images, predictions, review, images-dlq)");
      if (stayUp && !stop.getAsBoolean()) {
        console.println("staying up; Ctrl-C stops the stream-app and the broker");
        while (!stop.getAsBoolean() && !pipeline.app().failed()) {
          Thread.sleep(200);
        }
      }
      console.println("stopping");
      return code;
    }
  }

  private LocalRunner start(LocalRunner.Options options) throws Exception {
    try {
      return LocalRunner.start(options, env, console);
    } catch (StartupException e) {
      throw new UserFacingException(e.getMessage(), e);
    }
  }

  private String[] producerArgs(LocalRunner pipeline) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                pipeline.bootstrapServers(),
                "--count",
                Long.toString(count),
                "--rate",
                Double.toString(rate),
                "--malformed-fraction",
                Double.toString(malformedFraction),
                "--warm-up",
                warmUp.toMillis() + "ms",
                "--verify"));
    if (dataDir != null) {
      args.addAll(List.of("--data-dir", dataDir.toString()));
    }
    if (report != null) {
      args.addAll(List.of("--report", report.toString()));
    }
    return args.toArray(String[]::new);
  }
}
