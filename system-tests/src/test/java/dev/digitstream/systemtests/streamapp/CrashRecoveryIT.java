package dev.digitstream.systemtests.streamapp;

import static dev.digitstream.testsupport.StreamAppProcess.KILLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppEnv;
import dev.digitstream.testsupport.StreamAppProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The core promise: kill the stream-app (a separate JVM) with SIGKILL, repeatedly, while a labelled
 * stream flows and batches are half full; after restarts, every input has exactly one committed
 * prediction.
 */
@Timeout(420)
class CrashRecoveryIT {

  private static final int RECORDS = 8_000;
  private static final int RATE = 120;
  private static final int KILLS = 4;

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledRepeatedlyMidBatch() throws Exception {
    LabelledImages images = Fixtures.testImages(RECORDS);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String input = Fixtures.unique("crash-in");
      String output = input + "-out";
      kafka.createTopic(input, 4);
      kafka.createTopic(output, 2);
      kafka.createTopic(input + "-dlq", 1);
      Map<String, String> env =
          StreamAppEnv.of(kafka.bootstrapServers(), Fixtures.unique("crash"))
              .topics(input, output, input + "-dlq")
              .set(StreamAppConfig.STREAM_THREADS, 1)
              // batches wait far longer than the 100 ms commit interval: offsets of pending
              // records are committed long before their predictions are made, the trap this
              // design must survive
              .set(StreamAppConfig.BATCH_MAX_SIZE, 64)
              .set(StreamAppConfig.BATCH_MAX_DELAY_MS, 400)
              // a killed member leaves the group after 6 s instead of 45 s: restarts resume quickly
              .kafka(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
              .toMap();

      AtomicInteger sent = new AtomicInteger();
      Thread producerThread =
          new Thread(() -> produce(kafka.bootstrapServers(), input, images, sent), "producer");
      producerThread.start();

      Random random = new Random(7);
      int killsWithPending = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        StreamAppProcess app = StreamAppProcess.start(env, "crash-recovery-" + kill).awaitReady();
        Thread.sleep(300 + random.nextInt(1_200));
        double pending = PrometheusScrape.value(app.scrape(), "digitstream_batch_pending");
        killsWithPending += pending > 0 ? 1 : 0;
        assertThat(app.kill()).as("exit code after SIGKILL, see %s", app.log()).isEqualTo(KILLED);
        System.out.printf(
            "kill %d at %d records sent, %.0f image(s) pending in the batch%n",
            kill + 1, sent.get(), pending);
      }
      StreamAppProcess last = StreamAppProcess.start(env, "crash-recovery-" + KILLS);
      producerThread.join();

      Map<String, List<Prediction>> predictions =
          Fixtures.collectPredictions(
              kafka.bootstrapServers(), output, RECORDS, Duration.ofSeconds(120));
      int exit = last.stop(); // SIGTERM: drains and exits 0; -1 if still running after 60 s

      List<String> duplicated = new ArrayList<>();
      for (var entry : predictions.entrySet()) {
        if (entry.getValue().size() != 1) {
          duplicated.add(entry.getKey());
        }
      }
      assertThat(predictions.size()).as("inputs with a committed prediction").isEqualTo(RECORDS);
      assertThat(duplicated).as("duplicated predictions").isEmpty();
      assertThat(killsWithPending).as("kills that hit a partially filled batch").isPositive();
      assertThat(exit).as("stopped within 60 s of SIGTERM").isNotEqualTo(-1);
      assertThat(exit).as("exit code after SIGTERM, see %s", last.log()).isZero();
    }
  }

  private void produce(String bootstrap, String topic, LabelledImages images, AtomicInteger sent) {
    try (var producer = Fixtures.producer(bootstrap)) {
      long start = System.nanoTime();
      for (int i = 0; i < images.count(); i++) {
        producer.send(Fixtures.imageRecord(topic, images, i));
        sent.incrementAndGet();
        long due = start + i * (1_000_000_000L / RATE);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
