package dev.digitstream.localrunner;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.io.IOException;
import java.io.PrintStream;
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
      description =
          "seconds of unmeasured load first, so JIT warm-up is not counted (default: ${DEFAULT-VALUE})")
  private int warmUpSeconds;

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
      names = "--stay-up",
      description = "keep the broker and stream-app running after the load, until Ctrl-C")
  private boolean stayUp;

  private final Map<String, String> env;
  private final PrintStream out;
  private final BooleanSupplier stop;

  LocalRunnerCli(Map<String, String> env, PrintStream out, BooleanSupplier stop) {
    this.env = env;
    this.out = out;
    this.stop = stop;
  }

  public static void main(String[] args) {
    // Each component jar carries its own logback.xml; the pipeline uses its own.
    System.setProperty("logback.configurationFile", "pipeline-logback.xml");
    Cli.exitAfter(Duration.ofSeconds(30), stop -> run(args, System.getenv(), System.out, stop));
  }

  /**
   * Runs the command line and returns its exit code; once {@code stop} is true the run ends
   * cleanly.
   */
  public static int run(
      String[] args, Map<String, String> env, PrintStream out, BooleanSupplier stop) {
    CommandLine cli = new CommandLine(new LocalRunnerCli(env, out, stop));
    return Cli.withOneLineErrors(
            cli,
            "pipeline",
            e -> e instanceof IOException || e instanceof StartupException,
            line -> {
              cli.getErr().println(line);
              cli.getErr().flush();
            })
        .execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (count <= 0 || rate < 0 || partitions < 1 || trainEpochs < 1 || warmUpSeconds < 0) {
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
    try (LocalRunner pipeline = LocalRunner.start(options, env, out)) {
      out.printf(
          "sending %,d MNIST test images at %s after %d s of warm-up%n",
          count, rate == 0 ? "full speed" : "%,.0f/s".formatted(rate), warmUpSeconds);
      int code = ProducerCli.run(producerArgs(pipeline), env, stop);
      out.println("model         " + pipeline.model());
      out.println("metrics       " + pipeline.metricsUrl());
      out.println(
          "kafka         "
              + pipeline.bootstrapServers()
              + "  (topics images, predictions, images-dlq)");
      if (stayUp && !stop.getAsBoolean()) {
        out.println("staying up; Ctrl-C stops the stream-app and the broker");
        while (!stop.getAsBoolean() && !pipeline.app().failed()) {
          Thread.sleep(200);
        }
      }
      out.println("stopping");
      return code;
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
                warmUpSeconds + "s",
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
