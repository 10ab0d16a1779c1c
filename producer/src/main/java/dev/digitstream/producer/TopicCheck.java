package dev.digitstream.producer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before anything is sent, that the broker answers within the timeout and that the topics
 * exist, so a wrong address or topic name ends the run with one clear line instead of a hang.
 */
final class TopicCheck {

  private final Map<String, Object> client;
  private final Duration timeout;

  TopicCheck(Map<String, Object> client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /** The partition count of each topic. */
  Map<String, Integer> partitions(List<String> topics) throws IOException, InterruptedException {
    Map<String, Object> props = new HashMap<>(client);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    Object servers = client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(props)) {
      Map<String, KafkaFuture<TopicDescription>> futures =
          admin.describeTopics(topics).topicNameValues();
      Map<String, Integer> partitions = new HashMap<>();
      List<String> missing = new ArrayList<>();
      for (String topic : topics) {
        try {
          TopicDescription description =
              futures.get(topic).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
          partitions.put(topic, description.partitions().size());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof UnknownTopicOrPartitionException) {
            missing.add(topic);
          } else if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            throw unreachable(servers);
          } else {
            throw new IOException(
                "cannot describe topic %s on %s: %s"
                    .formatted(topic, servers, e.getCause().getMessage()),
                e.getCause());
          }
        } catch (TimeoutException e) {
          throw unreachable(servers);
        }
      }
      if (!missing.isEmpty()) {
        throw new IOException("topic(s) %s do not exist on %s".formatted(missing, servers));
      }
      return partitions;
    }
  }

  private IOException unreachable(Object servers) {
    return new IOException(
        "cannot reach Kafka at %s within %d s".formatted(servers, timeout.toSeconds()));
  }
}
