package dev.digitstream.streamapp.it;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.TestModels;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.training.Recipe;
import dev.digitstream.trainer.training.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared pieces of the integration tests: a trained model, labelled records, Kafka clients. */
final class Fixtures {

  private static Path model;

  private Fixtures() {}

  /**
   * A LeNet trained for one epoch on 6,000 MNIST images (about 95 % accurate), written once per
   * test JVM under target/.
   */
  static synchronized Path trainedModel() {
    if (model == null) {
      try {
        Nd4jRuntime.configure(2);
        LabelledImages train = TestData.mnist().train().head(6_000);
        var network =
            new Trainer(Recipe.DEFAULT.withEpochs(1), 1)
                .train(train, null, new Trainer.Listener() {})
                .network();
        Path dir = Files.createDirectories(Path.of("target", "it-model"));
        model = dir.resolve("model.zip");
        double accuracy =
            Evaluator.evaluate(new BatchClassifier(network, "fixture", 500), testImages(10_000))
                .accuracy();
        ModelFiles.save(network, TestModels.metadataFor(network, 1, accuracy), model);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model.toAbsolutePath();
  }

  static LoadedModel loadedModel() {
    try {
      return ModelFiles.load(trainedModel());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LabelledImages testImages(int count) {
    try {
      return TestData.mnist().test().head(count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A labelled image record keyed {@code img-<index>}. */
  static ProducerRecord<byte[], byte[]> imageRecord(
      String topic, LabelledImages images, int index) {
    var record = new ProducerRecord<byte[], byte[]>(topic, key(index), images.image(index));
    record.headers().add(HeaderNames.LABEL, ImageRecord.labelHeader(images.label(index)));
    return record;
  }

  static byte[] key(int index) {
    return ("img-" + index).getBytes(StandardCharsets.UTF_8);
  }

  static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            unique("verifier"),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Every committed prediction on {@code topic} by key, counting duplicates; polls until idle. */
  static Map<String, List<Prediction>> readPredictions(
      KafkaConsumer<byte[], byte[]> consumer, Map<String, List<Prediction>> into, Duration poll) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(poll)) {
      try {
        into.computeIfAbsent(
                new String(r.key(), StandardCharsets.UTF_8), k -> new java.util.ArrayList<>())
            .add(PredictionCodec.decode(r.value()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return into;
  }

  /**
   * Reads committed predictions from {@code topic} until {@code expected} keys have one or {@code
   * timeout} passes, then drains for 2 s more so duplicates show. Never throws on timeout: the
   * caller's assertions say what is missing.
   */
  static Map<String, List<Prediction>> collectPredictions(
      String bootstrap, String topic, int expected, Duration timeout) {
    Map<String, List<Prediction>> predictions = new HashMap<>();
    try (var consumer = readCommittedConsumer(bootstrap)) {
      consumer.subscribe(List.of(topic));
      try {
        org.awaitility.Awaitility.await()
            .atMost(timeout)
            .pollInterval(Duration.ZERO)
            .until(
                () ->
                    readPredictions(consumer, predictions, Duration.ofMillis(200)).size()
                        >= expected);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // fall through
      }
      readPredictions(consumer, predictions, Duration.ofSeconds(2));
    }
    return predictions;
  }

  /** The environment for a stream-app against {@code bootstrap} on the given topics. */
  static Map<String, String> appEnv(
      String bootstrap, String app, String input, String output, String dlq) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("APPLICATION_ID", app);
    env.put("INPUT_TOPIC", input);
    env.put("OUTPUT_TOPIC", output);
    env.put("DLQ_TOPIC", dlq);
    env.put("MODEL_PATH", trainedModel().toString());
    env.put("METRICS_PORT", "0");
    env.put("METRICS_BIND_ADDRESS", "127.0.0.1");
    env.put("STREAM_THREADS", "2");
    env.put("STATE_DIR", Path.of("target", "kafka-streams-state", app).toAbsolutePath().toString());
    return env;
  }
}
