package dev.digitstream.systemtests.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.streamapp.StreamApp;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same pipeline against the official Apache Kafka image. It needs a Docker engine, so the build
 * runs it only with {@code -Pdocker} (the profile also brings testcontainers).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class KafkaContainerIT {

  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Test
  void shouldPredictEveryImageOnceAgainstTheOfficialKafkaImage() throws Exception {
    Map<String, String> env =
        StreamAppEnv.of(KAFKA.getBootstrapServers(), Fixtures.unique("tc"))
            .topics("images", "predictions", "images-dlq")
            .toMap();
    env.put(StreamAppConfig.CREATE_TOPICS, "true");
    env.put(StreamAppConfig.TOPIC_PARTITIONS, "3");
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
