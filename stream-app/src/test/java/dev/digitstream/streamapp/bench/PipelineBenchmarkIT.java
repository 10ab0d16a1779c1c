package dev.digitstream.streamapp.bench;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.Throughput;
import dev.digitstream.testsupport.PrometheusScrape;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The stream-app benchmark (not a test: it asserts nothing and runs only with {@code
 * -Dbenchmark=true}). In one run, on one machine: the in-process inference ceiling; the per-record
 * baseline; with 1 and 12 input partitions, end-to-end throughput draining a backlog through a real
 * broker (stream-app as its own JVM, exactly-once), with its batch sizes, step times and CPU use;
 * end-to-end latency at 25, 50 and 90 % of that maximum (open-loop); batch sizes at 2,000 images/s;
 * the stream-app's peak RSS. Each stream-app is warmed up on 20,000 images before it is measured.
 * Results go to stdout and target/benchmark-results.txt.
 *
 * <p>{@code MODEL_PATH} names the model (default: the newest under ../models).
 */
class PipelineBenchmarkIT {

  private static final int BATCH = Integer.getInteger("benchmark.batch", 128);
  private static final int THREADS = 2;
  private static final int WARM_UP_IMAGES = 20_000;
  private static final int BACKLOG_IMAGES = Integer.getInteger("benchmark.backlog", 60_000);
  private static final String GUARANTEE =
      System.getProperty("benchmark.env.PROCESSING_GUARANTEE", "exactly_once_v2");

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> report = new ArrayList<>();

  @Test
  void benchmark() throws Exception {
    assumeThat(Boolean.getBoolean("benchmark")).as("run with -Dbenchmark=true").isTrue();
    Path model =
        ModelFiles.resolve(
            Path.of(
                System.getenv()
                    .getOrDefault(
                        "MODEL_PATH", TestData.projectRoot().resolve("models").toString())));
    LabelledImages train = TestData.mnist().train();
    LabelledImages test = TestData.mnist().test();
    print(
        "machine: %d cores, %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    print("model: %s", model);

    double ceiling = inferenceCeiling(ModelFiles.load(model), test);
    print(
        "in-process inference ceiling, %d threads x batch %d: %,.0f images/s",
        THREADS, BATCH, ceiling);

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String latencyRates = System.getProperty("benchmark.latencyRates", "");
      if (!latencyRates.isEmpty()) { // latency at fixed rates only, 1 partition
        for (String rate : latencyRates.split(",")) {
          latencyAt(kafka, model, 1, test, Integer.parseInt(rate), "fixed rate");
        }
        Files.write(Path.of("target", "benchmark-results.txt"), report);
        return;
      }
      double baseline = perRecordBaseline(kafka, model, test, 5_000);
      print(
          "per-record baseline (Kafka Streams mapValues, one model call per record, 1 thread, %s): %,.0f images/s",
          GUARANTEE, baseline);
      for (int partitions : partitionCounts()) {
        double max = drainBacklog(kafka, model, partitions, train);
        print(
            "end to end, %d partition(s), %s, draining %,d images: %,.0f images/s = %.0f %% of the ceiling, %.1fx the per-record baseline",
            partitions, GUARANTEE, BACKLOG_IMAGES, max, 100 * max / ceiling, max / baseline);
        if (Boolean.getBoolean("benchmark.backlogOnly")) {
          continue;
        }
        for (double share : new double[] {0.25, 0.5, 0.9}) {
          latencyAt(
              kafka,
              model,
              partitions,
              test,
              (int) (max * share),
              "%.0f %% of the maximum rate".formatted(100 * share));
        }
        batchSizesAt(kafka, model, partitions, test, 2_000);
      }
    }
    Files.write(Path.of("target", "benchmark-results.txt"), report);
  }

  /** The broker alone, same harness and rate: what the pipeline's latency cannot go below. */
  @Test
  void brokerRoundTrip() throws Exception {
    assumeThat(Boolean.getBoolean("benchmark.broker"))
        .as("run with -Dbenchmark.broker=true")
        .isTrue();
    LabelledImages test = TestData.mnist().test();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Topics topics = Topics.create(kafka, 1);
      try (var consumer = consumer(kafka, topics.input)) {
        consumer.poll(Duration.ofMillis(500));
        int count = 16_000;
        Thread producer = openLoop(kafka, topics.input, test, count, 1_600);
        Histogram latencies = new Histogram(60_000, 3);
        int seen = 0;
        while (seen < count) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (seen++ >= count / 5) {
              latencies.recordValue(Math.max(0, System.currentTimeMillis() - r.timestamp()));
            }
          }
        }
        producer.join();
        print(
            "broker only, 1,600 images/s: p50 %d ms, p99 %d ms",
            latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99));
      }
    }
  }

  /**
   * The way the public Kafka Streams model-serving examples do it: {@code mapValues} calls the
   * model once per record (stock DL4J {@code output} on a 1x1x28x28 array), one stream thread, in
   * this JVM, same broker and guarantee. Drains a preloaded backlog of {@code count} images.
   */
  private double perRecordBaseline(
      EmbeddedKafka kafka, Path model, LabelledImages images, int count) throws Exception {
    Topics topics = Topics.create(kafka, 1);
    try (var producer = producer(kafka)) {
      for (int i = 0; i < count; i++) {
        producer.send(record(topics.input, images, i, System.currentTimeMillis()));
      }
      producer.flush();
    }
    var network = ModelFiles.load(model).network();
    var builder = new org.apache.kafka.streams.StreamsBuilder();
    builder.stream(
            topics.input,
            org.apache.kafka.streams.kstream.Consumed.with(
                org.apache.kafka.common.serialization.Serdes.ByteArray(),
                org.apache.kafka.common.serialization.Serdes.ByteArray()))
        .mapValues(
            value -> {
              float[] pixels = new float[ImageRecord.SIZE];
              dev.digitstream.contract.PixelScaling.scale(value, 0, pixels, 0, ImageRecord.SIZE);
              var input =
                  org.nd4j.linalg.factory.Nd4j.create(pixels, new long[] {1, 1, 28, 28}, 'c');
              float[] probabilities = network.output(input).toFloatVector();
              return dev.digitstream.contract.PredictionCodec.encode(
                  dev.digitstream.contract.Prediction.fromProbabilities(probabilities, "baseline"));
            })
        .to(
            topics.output,
            org.apache.kafka.streams.kstream.Produced.with(
                org.apache.kafka.common.serialization.Serdes.ByteArray(),
                org.apache.kafka.common.serialization.Serdes.ByteArray()));
    var props = new java.util.Properties();
    props.put(
        org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG,
        "baseline-" + UUID.randomUUID());
    props.put(
        org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, GUARANTEE);
    props.put(
        org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "baseline-state").toAbsolutePath().toString());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var streams = new org.apache.kafka.streams.KafkaStreams(builder.build(), props);
        var consumer = consumer(kafka, topics.output)) {
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
      return (seen - 1) / ((last - first) / 1e9);
    }
  }

  /** {@code -Dbenchmark.partitions=1,12} (the default). */
  private static int[] partitionCounts() {
    return java.util.Arrays.stream(System.getProperty("benchmark.partitions", "1,12").split(","))
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  private static double inferenceCeiling(LoadedModel model, LabelledImages images)
      throws Exception {
    Nd4jRuntime.configure(1);
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(images.image(i));
    }
    return Throughput.imagesPerSecond(
        model, batch, THREADS, BATCH, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /**
   * Warms the stream-app up on {@link #WARM_UP_IMAGES} images (a cold JVM spends its first seconds
   * compiling), then times the drain of a backlog of {@link #BACKLOG_IMAGES}: first to last
   * committed prediction. Batch sizes, step times and CPU use are those of the measured drain only.
   */
  private double drainBacklog(
      EmbeddedKafka kafka, Path model, int partitions, LabelledImages images) throws Exception {
    Topics topics = Topics.create(kafka, partitions);
    AppProcess app = AppProcess.start(kafka, model, topics, "backlog-" + partitions);
    try (var consumer = consumer(kafka, topics.output)) {
      produce(kafka, topics.input, images, WARM_UP_IMAGES);
      awaitPredictions(consumer, WARM_UP_IMAGES, null);
      String before = app.get("/metrics").body();
      CpuTimes cpuBefore = CpuTimes.of(app.process);
      produce(kafka, topics.input, images, BACKLOG_IMAGES);
      long[] firstAndLast = new long[2];
      int seen = awaitPredictions(consumer, BACKLOG_IMAGES, firstAndLast);
      CpuTimes cpu = CpuTimes.of(app.process).minus(cpuBefore);
      String after = app.get("/metrics").body();
      double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
      print("  backlog %d partition(s): %s", partitions, AppProcess.batchSizes(before, after));
      print("  backlog %d partition(s): %s", partitions, AppProcess.stepTimes(before, after));
      print(
          "  backlog %d partition(s): CPU in use, of %d cores: stream-app %.2f, whole machine %.2f"
              + " (broker, benchmark clients and the app)",
          partitions,
          Runtime.getRuntime().availableProcessors(),
          cpu.processSeconds() / cpu.wallSeconds(),
          cpu.machineSeconds() / cpu.wallSeconds());
      print("  stream-app peak RSS: %,d MB", app.peakRssKb() / 1024);
      return (seen - 1) / seconds;
    } finally {
      app.stop();
    }
  }

  /** Sends {@code count} labelled images, cycling through {@code images}, as fast as possible. */
  private static void produce(EmbeddedKafka kafka, String topic, LabelledImages images, int count) {
    try (var producer = producer(kafka)) {
      for (int i = 0; i < count; i++) {
        producer.send(record(topic, images, i % images.count(), System.currentTimeMillis()));
      }
      producer.flush();
    }
  }

  /**
   * Reads up to {@code count} predictions (5 minutes at most); records the arrival of the first and
   * the last in {@code firstAndLast} (nanoTime) when given.
   *
   * @return how many were read
   */
  private static int awaitPredictions(
      KafkaConsumer<byte[], byte[]> consumer, int count, long[] firstAndLast) {
    int seen = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (seen < count && System.nanoTime() < deadline) {
      int polled = consumer.poll(Duration.ofMillis(100)).count();
      if (polled > 0 && firstAndLast != null) {
        long now = System.nanoTime();
        if (seen == 0) {
          firstAndLast[0] = now;
        }
        firstAndLast[1] = now;
      }
      seen += polled;
    }
    return seen;
  }

  /** CPU seconds of one process and of the whole machine, and wall seconds, from /proc. */
  private record CpuTimes(double processSeconds, double machineSeconds, double wallSeconds) {
    /** Linux's USER_HZ, the unit of /proc's CPU times, is 100 on every mainstream kernel. */
    private static final double TICKS_PER_SECOND = 100;

    static CpuTimes of(Process process) throws IOException {
      String[] stat =
          Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"))
              .replaceFirst("^.*\\) ", "")
              .split(" ");
      // Fields 14 and 15 (utime, stime) are 12 and 13 after the command name is cut off.
      double processTicks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      double busyTicks = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle and iowait
          busyTicks += Long.parseLong(cpu[i]);
        }
      }
      return new CpuTimes(
          processTicks / TICKS_PER_SECOND, busyTicks / TICKS_PER_SECOND, System.nanoTime() / 1e9);
    }

    CpuTimes minus(CpuTimes earlier) {
      return new CpuTimes(
          processSeconds - earlier.processSeconds,
          machineSeconds - earlier.machineSeconds,
          wallSeconds - earlier.wallSeconds);
    }
  }

  private void latencyAt(
      EmbeddedKafka kafka,
      Path model,
      int partitions,
      LabelledImages images,
      int rate,
      String label)
      throws Exception {
    Topics topics = Topics.create(kafka, partitions);
    AppProcess app = AppProcess.start(kafka, model, topics, "latency-" + partitions);
    try (var consumer = consumer(kafka, topics.output)) {
      produce(kafka, topics.input, images, WARM_UP_IMAGES);
      awaitPredictions(consumer, WARM_UP_IMAGES, null);
      String before = app.get("/metrics").body();
      int count = rate * 15;
      Thread producer = openLoop(kafka, topics.input, images, count, rate);
      Histogram latencies = new Histogram(60_000, 3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int seen = 0;
      while (seen < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.currentTimeMillis();
          if (seen++ >= count / 5) { // skip the first fifth: warm-up
            latencies.recordValue(Math.max(0, now - r.timestamp()));
          }
        }
      }
      producer.join();
      String after = app.get("/metrics").body();
      print(
          "  inside the stream-app (input timestamp to emission, before the transaction commits): mean %.1f ms",
          1000
              * AppProcess.delta(before, after, "digitstream_end_to_end_latency_seconds_sum")
              / AppProcess.delta(before, after, "digitstream_end_to_end_latency_seconds_count"));
      print(
          "end-to-end latency at %,d images/s (%s), %d partition(s), %s: p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, max %d ms (%d samples)",
          rate,
          label,
          partitions,
          GUARANTEE,
          latencies.getValueAtPercentile(50),
          latencies.getValueAtPercentile(90),
          latencies.getValueAtPercentile(99),
          latencies.getValueAtPercentile(99.9),
          latencies.getMaxValue(),
          latencies.getTotalCount());
    } finally {
      app.stop();
    }
  }

  private void batchSizesAt(
      EmbeddedKafka kafka, Path model, int partitions, LabelledImages images, int rate)
      throws Exception {
    Topics topics = Topics.create(kafka, partitions);
    AppProcess app = AppProcess.start(kafka, model, topics, "batches-" + partitions);
    try (var consumer = consumer(kafka, topics.output)) {
      int count = rate * 10;
      Thread producer = openLoop(kafka, topics.input, images, count, rate);
      producer.join();
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen < count && System.nanoTime() < deadline) {
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
      print(
          "batch sizes at %,d images/s, %d partition(s): %s",
          rate, partitions, AppProcess.batchSizes("", app.get("/metrics").body()));
    } finally {
      app.stop();
    }
  }

  private static Thread openLoop(
      EmbeddedKafka kafka, String topic, LabelledImages images, int count, int rate) {
    Thread t =
        new Thread(
            () -> {
              try (var producer = producer(kafka)) {
                long start = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                for (int i = 0; i < count; i++) {
                  long due = start + i * interval;
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  // timestamped with the intended send time, so queueing in the producer is not
                  // hidden
                  producer.send(
                      record(
                          topic,
                          images,
                          i % images.count(),
                          System.currentTimeMillis() - Math.max(0, -wait) / 1_000_000));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "open-loop-producer");
    t.start();
    return t;
  }

  private static ProducerRecord<byte[], byte[]> record(
      String topic, LabelledImages images, int i, long timestamp) {
    var r =
        new ProducerRecord<>(
            topic, null, timestamp, ("img-" + i).getBytes(StandardCharsets.UTF_8), images.image(i));
    r.headers().add("label", ImageRecord.labelHeader(images.label(i)));
    return r;
  }

  private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            1,
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka, String topic) {
    var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                5),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private void print(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println(line);
    report.add(line);
  }

  private record Topics(String input, String output, String dlq) {
    static Topics create(EmbeddedKafka kafka, int partitions) {
      String base = "bench-" + UUID.randomUUID().toString().substring(0, 6);
      kafka.createTopic(base + "-in", partitions);
      kafka.createTopic(base + "-out", partitions);
      kafka.createTopic(base + "-dlq", 1);
      return new Topics(base + "-in", base + "-out", base + "-dlq");
    }
  }

  /** The stream-app as its own JVM, as deployed. */
  private record AppProcess(Process process, int port, HttpClient http) {
    static AppProcess start(EmbeddedKafka kafka, Path model, Topics topics, String name)
        throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path logs = Files.createDirectories(Path.of("target", "benchmark-logs"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(java, "-jar", Path.of("target", "stream-app.jar").toString())
              .redirectErrorStream(true)
              .redirectOutput(logs.resolve(name + ".log").toFile());
      Map<String, String> env = builder.environment();
      env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put(
          "APPLICATION_ID", "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 6));
      env.put("INPUT_TOPIC", topics.input);
      env.put("OUTPUT_TOPIC", topics.output);
      env.put("DLQ_TOPIC", topics.dlq);
      env.put("MODEL_PATH", model.toString());
      env.put("METRICS_PORT", Integer.toString(port));
      env.put("METRICS_BIND_ADDRESS", "127.0.0.1");
      env.put("BATCH_MAX_SIZE", Integer.toString(BATCH));
      env.put("STATE_DIR", Path.of("target", "benchmark-state").toAbsolutePath().toString());
      env.putAll(passThrough());
      AppProcess app = new AppProcess(builder.start(), port, HttpClient.newHttpClient());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        try {
          if (app.get("/health/ready").statusCode() == 200) {
            return app;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      app.stop();
      throw new IllegalStateException(
          "stream-app did not become ready; see " + logs.resolve(name + ".log"));
    }

    /** BATCH_MAX_DELAY_MS, PROCESSING_GUARANTEE etc. from -Dbenchmark.env.NAME=value. */
    private static Map<String, String> passThrough() {
      Map<String, String> env = new java.util.HashMap<>();
      System.getProperties()
          .forEach(
              (k, v) -> {
                if (k.toString().startsWith("benchmark.env.")) {
                  env.put(k.toString().substring("benchmark.env.".length()), v.toString());
                }
              });
      return env;
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Batch count, mean size and size distribution by flush reason between two scrapes, from the
     * app's own histogram.
     */
    static String batchSizes(String before, String after) {
      StringBuilder out = new StringBuilder();
      for (String reason : List.of("size", "delay", "shutdown")) {
        double count =
            delta(before, after, "digitstream_batch_size_count{reason=\"" + reason + "\"}");
        double sum = delta(before, after, "digitstream_batch_size_sum{reason=\"" + reason + "\"}");
        if (count > 0) {
          out.append(String.format("%s: %.0f batches, mean %.1f; ", reason, count, sum / count));
        }
      }
      // le and reason are matched separately, whatever their order in the line.
      Matcher buckets =
          Pattern.compile("(?m)^(digitstream_batch_size_bucket\\{([^}]*)\\}) ").matcher(after);
      Pattern le = Pattern.compile("le=\"([^\"]+)\"");
      Pattern reason = Pattern.compile("reason=\"(size|delay)\"");
      StringBuilder hist = new StringBuilder("cumulative le:");
      while (buckets.find()) {
        Matcher bound = le.matcher(buckets.group(2));
        Matcher flush = reason.matcher(buckets.group(2));
        if (bound.find() && flush.find()) {
          hist.append(' ')
              .append(flush.group(1))
              .append('/')
              .append(bound.group(1))
              .append('=')
              .append((long) delta(before, after, buckets.group(1)));
        }
      }
      return out + hist.toString();
    }

    /** Seconds spent in each batch step between two scrapes, from the app's own timers. */
    static String stepTimes(String before, String after) {
      StringBuilder out = new StringBuilder("seconds in");
      for (String step : List.of("preprocess", "inference", "postprocess")) {
        out.append(
            String.format(
                " %s %.2f",
                step,
                delta(
                    before,
                    after,
                    "digitstream_batch_duration_seconds_sum{step=\"" + step + "\"}")));
      }
      return out.toString();
    }

    /** A counter's increase between two scrapes. */
    static double delta(String before, String after, String series) {
      double earlier = PrometheusScrape.value(before, series);
      return PrometheusScrape.value(after, series) - (Double.isNaN(earlier) ? 0 : earlier);
    }

    long peakRssKb() throws IOException {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return -1;
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
