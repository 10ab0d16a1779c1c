package dev.digitstream.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TopicCheck} against a real broker. It lives here because common cannot depend on the
 * embedded broker's module.
 */
@Timeout(120)
class TopicCheckIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldWaitUntilATopicCreatedMeanwhileCanBeDescribed() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      String servers = kafka.bootstrapServers();
      assertThat(TopicCheck.describe(admin, List.of("late"), servers, TIMEOUT).missing())
          .as("the topic does not exist when the wait starts")
          .containsExactly("late");
      long start = System.nanoTime();
      CompletableFuture<Void> created =
          CompletableFuture.runAsync(
              () -> kafka.createTopic("late", 3),
              CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));

      TopicCheck.awaitVisible(admin, List.of("late"), servers, TIMEOUT);

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("it waited for the topic, created a second after the wait began")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(TopicCheck.describe(admin, List.of("late"), servers, TIMEOUT).partitions())
          .containsEntry("late", 3);
      created.join();
    }
  }

  @Test
  void shouldNameTheTopicThatNeverAppears() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      assertThatThrownBy(
              () ->
                  TopicCheck.awaitVisible(
                      admin, List.of("never"), kafka.bootstrapServers(), Duration.ofSeconds(1)))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "topic(s) [never] do not exist on %s 1 s after they were created"
                  .formatted(kafka.bootstrapServers()));
    }
  }
}
