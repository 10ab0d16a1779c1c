package dev.digitstream.common.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before anything is sent or consumed, that the broker answers within a timeout and that
 * the topics exist, so a wrong address or topic name ends the run with one clear line instead of a
 * hang. The producer and the stream-app both check this way, with the same messages.
 */
public final class TopicCheck {

  /**
   * What the broker said about the topics.
   *
   * @param partitions the partition count of each topic that exists
   * @param missing the topics that do not exist, in the order asked
   */
  public record Result(Map<String, Integer> partitions, List<String> missing) {}

  private static final long READY_POLL_MS = 50;

  private TopicCheck() {}

  /**
   * The partition count of each topic, with an admin client made from {@code client} settings.
   *
   * @throws IOException the broker did not answer within {@code timeout}, or a topic is missing
   */
  public static Map<String, Integer> partitions(
      Map<String, Object> client, List<String> topics, Duration timeout)
      throws IOException, InterruptedException {
    Map<String, Object> props = new HashMap<>(client);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    Object servers = client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(props)) {
      Result result = describe(admin, topics, servers, timeout);
      if (!result.missing().isEmpty()) {
        throw new IOException(missingMessage(result.missing(), servers));
      }
      return result.partitions();
    }
  }

  /**
   * Describes {@code topics}: which exist, with their partition counts, and which do not.
   *
   * @param servers the bootstrap servers, for the messages
   * @throws IOException the broker did not answer within {@code timeout}, or could not describe a
   *     topic (no permission, ...)
   */
  public static Result describe(
      Admin admin, Collection<String> topics, Object servers, Duration timeout)
      throws IOException, InterruptedException {
    Map<String, KafkaFuture<TopicDescription>> futures =
        admin.describeTopics(topics).topicNameValues();
    Map<String, Integer> partitions = new LinkedHashMap<>();
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
          throw new IOException(unreachableMessage(servers, timeout), e.getCause());
        } else {
          throw new IOException(
              "cannot describe topic %s on %s: %s"
                  .formatted(topic, servers, e.getCause().getMessage()),
              e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IOException(unreachableMessage(servers, timeout), e);
      }
    }
    return new Result(partitions, missing);
  }

  /**
   * Waits until the broker describes every one of {@code topics} and the leader of each of their
   * partitions serves it. A create is acknowledged once the controller has committed it, which can
   * be before the broker that answers the next request has applied it, and a broker lists itself as
   * a new partition's leader in its metadata a moment before it acts as one. Without this wait, a
   * describe, produce or consumer group right after a create can be told the topic does not exist,
   * or that the broker is not the leader; an idempotent producer's first batch retried after that
   * can be refused with OUT_OF_ORDER_SEQUENCE_NUMBER until it expires (KAFKA-14359).
   *
   * @throws IOException a topic is still unknown, or a partition without a serving leader, after
   *     {@code timeout}, or the broker did not answer
   */
  public static void awaitReady(
      Admin admin, Collection<String> topics, Object servers, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Integer> partitions = new LinkedHashMap<>();
    Collection<String> missing = topics;
    while (true) {
      Result result = describe(admin, missing, servers, timeout);
      partitions.putAll(result.partitions());
      missing = result.missing();
      if (missing.isEmpty()) {
        break;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "%s %d s after they were created"
                .formatted(missingMessage(result.missing(), servers), timeout.toSeconds()));
      }
      Thread.sleep(READY_POLL_MS);
    }
    awaitLeaders(admin, partitions, servers, timeout, deadline);
  }

  /**
   * Asks each partition's leader for its latest offset, as a produce or fetch would reach it; the
   * admin client asks again, until {@code deadline}, while a leader does not serve its partition
   * yet. It does not ask again when the broker it asks for the leaders does not know the topic yet
   * (another broker of a cluster has applied the create, this one not): that is retried here.
   */
  private static void awaitLeaders(
      Admin admin, Map<String, Integer> partitions, Object servers, Duration timeout, long deadline)
      throws IOException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(
        (topic, count) -> {
          for (int p = 0; p < count; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
          }
        });
    String noLeader =
        "topic(s) %s on %s have a partition without a serving leader %d s after they were created"
            .formatted(partitions.keySet(), servers, timeout.toSeconds());
    while (true) {
      long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        admin
            .listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) remainingMs))
            .all()
            .get(remainingMs + 1_000, TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException
            && System.nanoTime() - deadline < 0) {
          Thread.sleep(READY_POLL_MS);
          continue;
        }
        if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
            || e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw new IOException(noLeader, e.getCause());
        }
        throw new IOException(
            "cannot list the offsets of topic(s) %s on %s: %s"
                .formatted(partitions.keySet(), servers, e.getCause().getMessage()),
            e.getCause());
      } catch (TimeoutException e) {
        throw new IOException(noLeader, e);
      }
    }
  }

  /** {@code cannot reach Kafka at <servers> within <n> s}. */
  public static String unreachableMessage(Object servers, Duration timeout) {
    return "cannot reach Kafka at %s within %d s".formatted(servers, timeout.toSeconds());
  }

  /** {@code topic(s) [a, b] do not exist on <servers>}. */
  public static String missingMessage(List<String> missing, Object servers) {
    return "topic(s) %s do not exist on %s".formatted(missing, servers);
  }
}
