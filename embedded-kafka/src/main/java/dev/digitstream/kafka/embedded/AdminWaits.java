package dev.digitstream.kafka.embedded;

import dev.digitstream.common.kafka.TopicCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;

/**
 * Bounded waits on admin requests, shared by the single broker and the cluster: polling a query
 * until it holds (a failed request means "not yet"), getting one answer, creating a topic.
 */
final class AdminWaits {

  private AdminWaits() {}

  /** An admin query for {@link #await}: a failed request means "not yet". */
  @FunctionalInterface
  interface Check {
    boolean holds() throws InterruptedException, ExecutionException, TimeoutException;
  }

  /**
   * Polls {@code check} every 100 ms until it holds.
   *
   * @throws IllegalStateException after {@code timeout} (with the last failure as its cause), or
   *     when interrupted (the interrupt is restored)
   */
  static void await(String what, Duration timeout, Check check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (check.holds()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
    throw new IllegalStateException("timed out after " + timeout + " waiting for " + what, last);
  }

  /**
   * Creates {@code topic} and waits at most 30 s until every partition's leader serves it ({@link
   * TopicCheck#awaitReady}).
   *
   * @throws IllegalStateException when it fails, times out or is interrupted (restored)
   */
  static void createTopic(Admin admin, NewTopic topic, String servers) {
    get(admin.createTopics(List.of(topic)).all(), "create topic " + topic.name());
    try {
      TopicCheck.awaitReady(admin, List.of(topic.name()), servers, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic " + topic.name(), e);
    }
  }

  /**
   * The answer of one admin request, waiting at most 30 s.
   *
   * @throws IllegalStateException when it fails, times out or is interrupted (restored)
   */
  static <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": " + e, e);
    }
  }
}
