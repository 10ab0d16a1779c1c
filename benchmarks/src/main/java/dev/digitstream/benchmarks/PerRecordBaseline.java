package dev.digitstream.benchmarks;

import dev.digitstream.benchmarks.BenchKafka.Topics;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.PixelScaling;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.ModelFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The way the public Kafka Streams model-serving examples do it, the baseline the stream-app is
 * measured against: {@code mapValues} calls the model once per record (stock DL4J {@code output} on
 * a 1x1x28x28 array), one stream thread, in this JVM, same broker and guarantee.
 */
final class PerRecordBaseline {

  private PerRecordBaseline() {}

  /** Drains a preloaded backlog of {@code count} images; first to last prediction read. */
  static double imagesPerSecond(EmbeddedKafka kafka, Path model, LabelledImages images, int count)
      throws Exception {
    Topics topics = Topics.create(kafka, 1);
    try (var producer = BenchKafka.producer(kafka)) {
      for (int i = 0; i < count; i++) {
        producer.send(BenchKafka.record(topics.input(), images, i, System.currentTimeMillis()));
      }
      producer.flush();
    }
    var network = ModelFiles.load(model).network();
    var builder = new StreamsBuilder();
    builder.stream(topics.input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .mapValues(
            value -> {
              float[] pixels = new float[ImageRecord.SIZE];
              PixelScaling.scale(value, 0, pixels, 0, ImageRecord.SIZE);
              var input = Nd4j.create(pixels, new long[] {1, 1, 28, 28}, 'c');
              float[] probabilities = network.output(input).toFloatVector();
              return PredictionCodec.encode(
                  Prediction.fromProbabilities(probabilities, "baseline"));
            })
        .to(topics.output(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    var props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "baseline-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, PipelineBenchmark.GUARANTEE);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "baseline-state").toAbsolutePath().toString());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var streams = new KafkaStreams(builder.build(), props);
        var consumer = BenchKafka.consumer(kafka, topics.output())) {
      streams.start();
      int seen = 0;
      long first = 0;
      long last = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (seen < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (seen++ == 0) {
            first = System.nanoTime();
          }
          last = System.nanoTime();
        }
      }
      Bench.check(
          seen >= count, "per-record baseline: %,d of %,d predictions in 5 minutes", seen, count);
      return (seen - 1) / ((last - first) / 1e9);
    }
  }
}
