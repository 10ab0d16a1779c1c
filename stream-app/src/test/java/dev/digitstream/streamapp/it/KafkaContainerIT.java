package dev.digitstream.streamapp.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same pipeline against the official Apache Kafka image, where Docker is available; skipped
 * cleanly where it is not (as on the build machine).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class KafkaContainerIT {

  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Test
  void shouldPredictEveryImageOnceAgainstTheOfficialKafkaImage() throws Exception {
    Map<String, String> env =
        Fixtures.appEnv(
            KAFKA.getBootstrapServers(),
            Fixtures.unique("tc"),
            "images",
            "predictions",
            "images-dlq");
    env.put("CREATE_TOPICS", "true");
    env.put("TOPIC_PARTITIONS", "3");
    LabelledImages images = Fixtures.testImages(1_000);

    try (StreamApp app = StreamApp.start(StreamAppConfig.fromEnv(env));
        var producer = Fixtures.producer(KAFKA.getBootstrapServers())) {
      for (int i = 0; i < images.count(); i++) {
        producer.send(Fixtures.imageRecord("images", images, i));
      }
      producer.flush();
      Map<String, List<Prediction>> predictions =
          Fixtures.collectPredictions(
              KAFKA.getBootstrapServers(), "predictions", images.count(), Duration.ofSeconds(120));
      assertThat(predictions)
          .hasSize(images.count())
          .allSatisfy((key, list) -> assertThat(list).hasSize(1));
    }
  }
}
