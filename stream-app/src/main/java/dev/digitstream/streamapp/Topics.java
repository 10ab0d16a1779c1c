package dev.digitstream.streamapp;

import dev.digitstream.common.kafka.TopicCheck;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start-up that the topics exist ({@link TopicCheck}, as the producer does), creating
 * them when configured to, and reads what the app's guarantees depend on: the number of brokers and
 * the topics' record size limits.
 */
final class Topics {

  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
  private static final long TIMEOUT_S = 30;

  /**
   * @param brokers brokers registered in the cluster, those down included
   * @param maxMessageBytes the smallest {@code max.message.bytes} of the output, review and
   *     dead-letter topics, or {@link Integer#MAX_VALUE} when they cannot be read (no
   *     DESCRIBE_CONFIGS)
   */
  record Cluster(int brokers, int maxMessageBytes) {}

  private Topics() {}

  static Cluster ensure(StreamAppConfig config) throws StartupException {
    var props = config.streamsProperties();
    props.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
    Duration timeout = Duration.ofSeconds(TIMEOUT_S);
    try (Admin admin = Admin.create(props)) {
      List<String> missing =
          TopicCheck.describe(admin, config.topics(), config.bootstrapServers(), timeout).missing();
      if (!missing.isEmpty()) {
        create(admin, config, missing);
      }
      // registered brokers, fenced (down) ones included: a broker that is down for the moment must
      // not lower the replication of a changelog created now, for good
      int brokers =
          admin
              .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
              .nodes()
              .get(TIMEOUT_S, TimeUnit.SECONDS)
              .size();
      return new Cluster(brokers, maxMessageBytes(admin, config));
    } catch (IOException e) {
      throw new StartupException(e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new StartupException(
          TopicCheck.unreachableMessage(config.bootstrapServers(), timeout), e);
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

  private static void create(Admin admin, StreamAppConfig config, List<String> missing)
      throws StartupException,
          ExecutionException,
          InterruptedException,
          TimeoutException,
          IOException {
    if (!config.createTopics()) {
      throw new StartupException(
          TopicCheck.missingMessage(missing, config.bootstrapServers())
              + "; create them or set CREATE_TOPICS=true");
    }
    List<NewTopic> topics = new ArrayList<>();
    for (String topic : missing) {
      topics.add(
          new NewTopic(
              topic, java.util.Optional.of(config.topicPartitions()), java.util.Optional.empty()));
    }
    try {
      admin.createTopics(topics).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    TopicCheck.awaitReady(admin, missing, config.bootstrapServers(), Duration.ofSeconds(TIMEOUT_S));
  }

  private static int maxMessageBytes(Admin admin, StreamAppConfig config)
      throws InterruptedException, TimeoutException {
    List<ConfigResource> topics =
        config.topics().stream()
            .filter(t -> !t.equals(config.inputTopic()))
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
            .toList();
    try {
      int min = Integer.MAX_VALUE;
      for (Config c :
          admin.describeConfigs(topics).all().get(TIMEOUT_S, TimeUnit.SECONDS).values()) {
        ConfigEntry entry = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry != null && entry.value() != null) {
          min = Math.min(min, Integer.parseInt(entry.value()));
        }
      }
      return min;
    } catch (ExecutionException e) {
      LOG.warn(
          "cannot read max.message.bytes of {} ({}); assuming they take what the producer sends",
          topics.stream().map(ConfigResource::name).toList(),
          e.getCause().getMessage());
      return Integer.MAX_VALUE;
    }
  }
}
