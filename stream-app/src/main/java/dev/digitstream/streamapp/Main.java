package dev.digitstream.streamapp;

import dev.digitstream.common.cli.Cli;
import dev.digitstream.streamapp.config.ConfigException;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: configuration from the environment, then {@link StreamApp}. Exit codes: 0 after
 * SIGTERM/SIGINT with every computed prediction emitted and Kafka Streams closed in time; 1 when
 * start-up fails (model, topics, broker), Kafka Streams stops on an error, or the stop did not
 * finish in time; 2 for invalid configuration. The stop runs in {@link Cli#exitAfter}'s shutdown
 * hook, which waits for the drain below.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /**
   * How long a stop may take: {@link StreamApp#stop()} waits up to the batch delay plus 10 s for
   * predictions, then up to 30 s for Kafka Streams to close.
   */
  private static final Duration GRACE = Duration.ofSeconds(60);

  private Main() {}

  public static void main(String[] args) {
    Cli.exitAfter(GRACE, stop -> run(System.getenv(), stop));
  }

  private static int run(Map<String, String> env, BooleanSupplier stop) {
    StreamAppConfig config;
    try {
      config = StreamAppConfig.fromEnv(env);
    } catch (ConfigException e) {
      e.problems().forEach(problem -> LOG.error("configuration: {}", problem));
      return 2;
    }
    StreamApp app;
    try {
      app = StreamApp.start(config);
    } catch (StartupException e) {
      LOG.error("cannot start: {}", e.getMessage());
      return 1;
    }
    try {
      while (!stop.getAsBoolean()) {
        if (app.failed()) {
          LOG.error("Kafka Streams stopped in state {}; exiting", app.state());
          app.stop();
          return 1;
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      app.stop();
      return 1;
    }
    LOG.info("stop requested; draining");
    return app.stop() ? 0 : 1;
  }
}
