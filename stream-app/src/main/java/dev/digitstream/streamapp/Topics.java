package dev.digitstream.streamapp;

import dev.digitstream.streamapp.config.StreamAppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Checks at start-up that the topics exist, creating them when configured to. */
final class Topics {

  private static final long TIMEOUT_S = 30;

  private Topics() {}

  static void ensure(StreamAppConfig config) throws StartupException {
    var props = config.streamsProperties();
    props.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      List<String> missing = new ArrayList<>();
      for (String topic : List.of(config.inputTopic(), config.outputTopic(), config.dlqTopic())) {
        if (!existing.contains(topic)) {
          missing.add(topic);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      if (!config.createTopics()) {
        throw new StartupException(
            "topic(s) %s do not exist on %s; create them or set CREATE_TOPICS=true"
                .formatted(missing, config.bootstrapServers()));
      }
      List<NewTopic> topics = new ArrayList<>();
      for (String topic : missing) {
        topics.add(
            new NewTopic(
                topic,
                java.util.Optional.of(config.topicPartitions()),
                java.util.Optional.empty()));
      }
      try {
        admin.createTopics(topics).all().get(TIMEOUT_S, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (TimeoutException e) {
      throw new StartupException(
          "cannot reach Kafka at %s within %d s".formatted(config.bootstrapServers(), TIMEOUT_S),
          e);
    } catch (ExecutionException e) {
      throw new StartupException(
          "cannot check topics on %s: %s"
              .formatted(config.bootstrapServers(), e.getCause().getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while checking topics", e);
    }
  }
}
