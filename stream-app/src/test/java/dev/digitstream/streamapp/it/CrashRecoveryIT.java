package dev.digitstream.streamapp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.testsupport.PrometheusScrape;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldLoseAndDuplicateNothingWhenKilledRepeatedlyMidBatch() throws Exception {
    Path model = Fixtures.trainedModel();
    LabelledImages images = Fixtures.testImages(RECORDS);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String input = Fixtures.unique("crash-in");
      String output = input + "-out";
      kafka.createTopic(input, 4);
      kafka.createTopic(output, 2);
      kafka.createTopic(input + "-dlq", 1);
      int port = freePort();
      Map<String, String> env =
          Fixtures.appEnv(
              kafka.bootstrapServers(), Fixtures.unique("crash"), input, output, input + "-dlq");
      env.put("MODEL_PATH", model.toString());
      env.put("METRICS_PORT", Integer.toString(port));
      env.put("STREAM_THREADS", "1");
      // batches wait far longer than the 100 ms commit interval: offsets of pending records are
      // committed long before their predictions are made, the trap this design must survive
      env.put("BATCH_MAX_SIZE", "64");
      env.put("BATCH_MAX_DELAY_MS", "400");
      // a killed member leaves the group after 6 s instead of 45 s, so restarts resume quickly
      env.put("KAFKA_CFG_SESSION_TIMEOUT_MS", "6000");

      AtomicInteger sent = new AtomicInteger();
      Thread producerThread =
          new Thread(() -> produce(kafka.bootstrapServers(), input, images, sent), "producer");
      producerThread.start();

      Random random = new Random(7);
      int killsWithPending = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        Process app = launch(env, kill);
        awaitReady(app, port);
        Thread.sleep(300 + random.nextInt(1_200));
        double pending = PrometheusScrape.value(scrape(port), "digitstream_batch_pending");
        killsWithPending += pending > 0 ? 1 : 0;
        app.destroyForcibly(); // SIGKILL
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf(
            "kill %d at %d records sent, %.0f image(s) pending in the batch%n",
            kill + 1, sent.get(), pending);
      }
      Process last = launch(env, KILLS);
      producerThread.join();

      Map<String, List<Prediction>> predictions =
          Fixtures.collectPredictions(
              kafka.bootstrapServers(), output, RECORDS, Duration.ofSeconds(120));
      last.destroy(); // SIGTERM: drains and exits 0
      boolean exited = last.waitFor(60, TimeUnit.SECONDS);

      List<String> duplicated = new ArrayList<>();
      for (var entry : predictions.entrySet()) {
        if (entry.getValue().size() != 1) {
          duplicated.add(entry.getKey());
        }
      }
      assertThat(predictions.size()).as("inputs with a committed prediction").isEqualTo(RECORDS);
      assertThat(duplicated).as("duplicated predictions").isEmpty();
      assertThat(killsWithPending).as("kills that hit a partially filled batch").isPositive();
      assertThat(exited).as("stopped within 60 s of SIGTERM").isTrue();
      assertThat(last.exitValue()).as("exit code after SIGTERM").isZero();
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

  private static Process launch(Map<String, String> env, int run) throws IOException {
    Path logs = Files.createDirectories(Path.of("target", "crash-test-logs"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-Xmx512m", "-jar", Path.of("target", "stream-app.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("run-" + run + ".log").toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  private void awaitReady(Process app, int port) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(app.isAlive()).as("stream-app process alive").isTrue();
              try {
                return http.send(
                            request(port, "/health/ready"), HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  private String scrape(int port) throws Exception {
    return http.send(request(port, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
