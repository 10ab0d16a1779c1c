package dev.digitstream.localrunner;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.files.FileTrees;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.trainer.TrainerCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole pipeline on one machine, in this JVM: a Kafka broker (embedded, unless bootstrap
 * servers are given), a model (the newest one found, or a short training), and the stream-app. The
 * producer is run against it by {@link #load}. {@link #close} stops everything it started.
 */
public final class LocalRunner implements AutoCloseable {

  /**
   * How to set the pipeline up.
   *
   * @param bootstrapServers an existing cluster, or null for an embedded broker
   * @param model a model file or run folder, or null for the newest under {@code modelsDir}
   * @param modelsDir where models are looked for, and where a short training writes one
   * @param dataDir the MNIST folder, or null for the trainer's default ($MNIST_DIR, data/mnist)
   * @param trainEpochs epochs of the short training run when no model exists
   * @param partitions partitions of the input topic when it has to be created
   * @param metricsPort the stream-app's metrics port (0 = any free port)
   */
  public record Options(
      String bootstrapServers,
      Path model,
      Path modelsDir,
      Path dataDir,
      int trainEpochs,
      int partitions,
      int metricsPort) {}

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final List<AutoCloseable> started = new ArrayList<>();
  private final String bootstrapServers;
  private final Path model;
  private final StreamApp app;
  private final Console console;

  private LocalRunner(
      String bootstrapServers,
      Path model,
      StreamApp app,
      List<AutoCloseable> started,
      Console console) {
    this.console = console;
    this.bootstrapServers = bootstrapServers;
    this.model = model;
    this.app = app;
    this.started.addAll(started);
  }

  /**
   * Starts the broker if needed, obtains a model, starts the stream-app and waits until it
   * consumes.
   *
   * @param env the environment: stream-app settings (BATCH_MAX_SIZE, ...) and MNIST_DIR are
   *     honoured
   * @param console where progress goes (stdout) and the trainer's errors (stderr)
   */
  public static LocalRunner start(Options options, Map<String, String> env, Console console)
      throws IOException, StartupException, InterruptedException {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      String servers = options.bootstrapServers();
      if (servers == null) {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        started.add(kafka);
        servers = kafka.bootstrapServers();
        console.println("[1/3] Kafka: embedded broker at " + servers);
      } else {
        console.println("[1/3] Kafka: " + servers);
      }
      Path model = obtainModel(options, env, console);
      Path stateDir = Files.createTempDirectory("digit-stream-state-");
      started.add(() -> FileTrees.deleteRecursively(stateDir));
      Map<String, String> appEnv = new HashMap<>(env);
      appEnv.put(StreamAppConfig.KAFKA_BOOTSTRAP_SERVERS, servers);
      appEnv.put(StreamAppConfig.MODEL_PATH, model.toString());
      appEnv.put(StreamAppConfig.STATE_DIR, stateDir.toString());
      appEnv.putIfAbsent(StreamAppConfig.CREATE_TOPICS, "true");
      appEnv.putIfAbsent(StreamAppConfig.TOPIC_PARTITIONS, Integer.toString(options.partitions()));
      appEnv.putIfAbsent(StreamAppConfig.METRICS_BIND_ADDRESS, "127.0.0.1");
      // Exactly-once predictions become visible at each commit: 50 ms instead of Kafka Streams'
      // 100 halves that wait (p99 at 1,000 images/s 165 -> 118 ms, BENCHMARKS.md, "Latency").
      appEnv.putIfAbsent(StreamAppConfig.COMMIT_INTERVAL_MS, "50");
      appEnv.put(StreamAppConfig.METRICS_PORT, Integer.toString(options.metricsPort()));
      StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(appEnv));
      started.add(app);
      awaitRunning(app);
      console.printf(
          "[3/3] stream-app: consuming, metrics on http://127.0.0.1:%d/metrics%n",
          app.metricsPort());
      return new LocalRunner(servers, model, app, started, console);
    } catch (IOException | StartupException | InterruptedException | RuntimeException e) {
      closeAll(started, console);
      throw e;
    }
  }

  private static Path obtainModel(Options options, Map<String, String> env, Console console)
      throws IOException {
    if (options.model() != null) {
      Path model = ModelFiles.resolve(options.model());
      console.println("[2/3] model: " + model);
      return model;
    }
    Path dir = options.modelsDir();
    if (Files.isDirectory(dir)) {
      try {
        Path model = ModelFiles.resolve(dir);
        console.println("[2/3] model: newest in " + dir + ": " + model);
        return model;
      } catch (IOException e) {
        // no usable model there: train one below
      }
    }
    console.printf(
        "[2/3] model: none in %s; training the default recipe for %d epoch(s)%n",
        dir, options.trainEpochs());
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--epochs",
                Integer.toString(options.trainEpochs()),
                "--output-dir",
                dir.toString()));
    if (options.dataDir() != null) {
      args.addAll(List.of("--data-dir", options.dataDir().toString()));
    }
    int code = TrainerCli.run(args.toArray(String[]::new), console, env);
    if (code != 0) {
      throw new IOException("training failed (trainer exit code " + code + ")");
    }
    return ModelFiles.resolve(dir);
  }

  private static void awaitRunning(StreamApp app) throws StartupException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      if (app.failed() || System.nanoTime() > deadline) {
        throw new StartupException(
            "the stream-app did not start consuming within %d s (state %s)"
                .formatted(READY_TIMEOUT.toSeconds(), app.state()));
      }
      Thread.sleep(50);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path model() {
    return model;
  }

  public StreamApp app() {
    return app;
  }

  public String metricsUrl() {
    return "http://127.0.0.1:%d/metrics".formatted(app.metricsPort());
  }

  /** Stops the stream-app (draining its batches), then the embedded broker. */
  @Override
  public void close() {
    closeAll(started, console);
  }

  private static void closeAll(List<AutoCloseable> started, Console console) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        console.error("pipeline: while stopping: " + e);
      }
    }
    started.clear();
  }
}
