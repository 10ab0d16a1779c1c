package dev.digitstream.streamapp.lifecycle;

import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.registry.RegistryException;
import dev.digitstream.streamapp.StartupException;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a replica starts with: the version last decided on the model topic, so that a restarted
 * replica comes back on it without any new decision; else {@code MODEL_PATH}. Holds the client of
 * the model topic that the {@link ModelFollower} then uses (none when {@code MODEL_TOPIC} is
 * empty).
 */
public final class InitialModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InitialModel.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LoadedModel model;
  private final Decision decided;
  private final String source;
  private final RegistryClient registry;
  private final boolean topicExists;

  private InitialModel(
      LoadedModel model,
      Decision decided,
      String source,
      RegistryClient registry,
      boolean topicExists) {
    this.model = model;
    this.decided = decided;
    this.source = source;
    this.registry = registry;
    this.topicExists = topicExists;
  }

  /**
   * Reads the model topic (when configured) and loads the model to start with, checked as every
   * model is (architecture, input contract, content hash).
   *
   * @throws StartupException when the decided version or the model file cannot be loaded
   */
  public static InitialModel choose(StreamAppConfig config) throws StartupException {
    RegistryClient registry = null;
    boolean exists = false;
    try {
      if (!config.modelTopic().isEmpty()) {
        registry = new RegistryClient(config.clientProperties(), config.modelTopic());
        try {
          exists = registry.topicExists(TIMEOUT);
        } catch (RegistryException e) {
          if (!notAuthorized(e)) {
            throw e;
          }
          LOG.warn(
              "not authorized to describe model topic {}: serving MODEL_PATH only (grant READ and"
                  + " DESCRIBE on it to follow model decisions)",
              config.modelTopic());
          registry.close();
          registry = null;
        }
      }
      if (registry != null) {
        Optional<Decision> decided = exists ? registry.read(TIMEOUT).decision() : Optional.empty();
        if (decided.isPresent()) {
          Decision d = decided.get();
          return new InitialModel(
              registry.fetch(d.version(), TIMEOUT),
              d,
              "model topic %s, decision %d".formatted(config.modelTopic(), d.sequence()),
              registry,
              true);
        }
        LOG.info(
            "model topic {} {}; starting with MODEL_PATH and following the topic",
            config.modelTopic(),
            exists ? "holds no decision yet" : "does not exist (yet)");
      }
      LoadedModel model = ModelFiles.load(ModelFiles.resolve(config.modelPath()));
      return new InitialModel(model, null, config.modelPath().toString(), registry, exists);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      throw new StartupException(e.getMessage(), e);
    }
  }

  private static boolean notAuthorized(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AuthorizationException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates the model topic and the events topic when they are missing and {@code CREATE_TOPICS}
   * asks for it. An events topic that cannot be created is a warning: events are the audit trail,
   * and are logged too.
   */
  public void createTopicIfAsked(StreamAppConfig config, int brokers) throws StartupException {
    if (registry == null || !config.createTopics()) {
      return;
    }
    int replicas = Math.min(3, Math.max(1, brokers));
    if (!topicExists) {
      try {
        registry.createTopic(replicas);
        LOG.info("created model topic {}", config.modelTopic());
      } catch (RuntimeException e) {
        throw new StartupException(
            "cannot create model topic %s: %s".formatted(config.modelTopic(), e.getMessage()), e);
      }
    }
    if (!config.modelEventsTopic().isEmpty()) {
      try {
        registry.createEventsTopic(config.modelEventsTopic(), replicas);
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot create model events topic {} ({}): lifecycle events are logged only",
            config.modelEventsTopic(),
            e.getMessage());
      }
    }
  }

  public LoadedModel model() {
    return model;
  }

  /** The decision the model was chosen by; 0 when it came from {@code MODEL_PATH}. */
  public long decision() {
    return decided == null ? 0 : decided.sequence();
  }

  /** The decision the model was chosen by; null when it came from {@code MODEL_PATH}. */
  public Decision decided() {
    return decided;
  }

  /** Where the model came from, for the log. */
  public String source() {
    return source;
  }

  /** The model topic's client; null when the topic is off. */
  public RegistryClient registry() {
    return registry;
  }

  @Override
  public void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
