package dev.digitstream.streamapp;

import dev.digitstream.streamapp.config.ConfigException;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point: configuration from the environment, then {@link StreamApp}. Exit codes: 0 after
 * SIGTERM/SIGINT with every computed prediction emitted and Kafka Streams closed in time; 1 when
 * start-up fails (model, topics, broker), Kafka Streams stops on an error, or the stop did not
 * finish in time; 2 for invalid configuration.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run());
  }

  private static int run() {
    StreamAppConfig config;
    try {
      config = StreamAppConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      e.problems().forEach(problem -> LOG.error("configuration: {}", problem));
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    StreamApp app;
    try {
      app = StreamApp.start(config);
    } catch (StartupException e) {
      LOG.error("cannot start: {}", e.getMessage());
      return 1;
    }
    try {
      while (!stop.await(200, TimeUnit.MILLISECONDS)) {
        if (app.failed()) {
          LOG.error("Kafka Streams stopped in state {}; exiting", app.state());
          app.stop();
          return 1;
        }
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
