package dev.digitstream.benchmarks;

import static dev.digitstream.benchmarks.BenchKafka.awaitPredictions;
import static dev.digitstream.benchmarks.BenchKafka.consumer;
import static dev.digitstream.benchmarks.BenchKafka.openLoop;
import static dev.digitstream.benchmarks.BenchKafka.produce;

import dev.digitstream.benchmarks.BenchKafka.Topics;
import dev.digitstream.benchmarks.ProcStats.CpuTimes;
import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.ModelFiles;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.Throughput;
import dev.digitstream.testsupport.StreamAppProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The stream-app through a real broker, in one run on one machine: the in-process inference ceiling
 * and its CPU per image; the per-record baseline ({@link PerRecordBaseline}); in-process inference
 * on one thread; with 1 and 12 input partitions, the drain of a backlog by a warmed-up app (the
 * stream-app as its own JVM), with its batch sizes, step times, CPU per image (at 1 partition also
 * against one thread's) and peak RSS, with fixed batching and with the latency target, then a cold
 * start (a backlog waiting when a fresh app starts: its first 10 s after ready against the rest);
 * then for each guarantee, 1 partition, the maximum sustainable rate as {@code producer
 * --find-max-rate} finds it, and end-to-end latency (open-loop) at half of it, with fixed batching
 * and with the latency target. Results go to stdout, one line each ({@code ./run-benchmarks} parses
 * them).
 *
 * <p>{@code MODEL_PATH} names the model (default: the newest under models/), {@code MNIST_DIR} the
 * images. System properties: {@code benchmark.partitions} (default 1,12), {@code
 * benchmark.backlogOnly=true} (no maximum-rate search or latency), {@code
 * benchmark.latencyRates=2500,5000} (only latency at those fixed rates, 1 partition), {@code
 * benchmark.jars=a.jar,b.jar} (with latencyRates: these stream-app builds in turn at each rate, to
 * compare them in one run), {@code benchmark.maxRateOnly=true} (only the maximum-rate search, for
 * {@code benchmark.env.PROCESSING_GUARANTEE}), {@code benchmark.latencyTarget} (50 ms), {@code
 * benchmark.objective} (the search's p99 objective, 500ms), {@code benchmark.broker=true} (only the
 * broker's own round trip), {@code benchmark.env.NAME=value} (a setting passed to the stream-app);
 * and sizes, for a quick check that it runs: {@code benchmark.batch} (128), {@code
 * benchmark.backlog} (60,000 images; the cold start 2-10 times that: 30 s at the warm drain's
 * rate), {@code benchmark.warmUp} (20,000), {@code benchmark.baselineImages} (5,000), {@code
 * benchmark.ceilingSeconds} (10), {@code benchmark.latencySeconds} (15).
 */
public final class PipelineBenchmark {

  private static final int BATCH = Integer.getInteger("benchmark.batch", 128);
  private static final int THREADS = 2;
  private static final int WARM_UP_IMAGES = Integer.getInteger("benchmark.warmUp", 20_000);
  private static final int BACKLOG_IMAGES = Integer.getInteger("benchmark.backlog", 60_000);
  private static final int FIRST_SECONDS = 10;
  private static final int COLD_STEADY_SECONDS = 20;
  private static final int TARGET_MS = Integer.getInteger("benchmark.latencyTarget", 50);
  private static final String OBJECTIVE = System.getProperty("benchmark.objective", "500ms");
  private static final Pattern MAXIMUM =
      Pattern.compile("^maximum sustainable rate: ([0-9,]+) images/s");
  static final String GUARANTEE =
      System.getProperty("benchmark.env.PROCESSING_GUARANTEE", "exactly_once_v2");

  private final Bench.Report report = new Bench.Report();
  private double inferenceCpuPerImage;
  private double oneThreadCpuPerImage;

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    if (Boolean.getBoolean("benchmark.broker")) {
      new PipelineBenchmark().brokerRoundTrip();
    } else {
      new PipelineBenchmark().run();
    }
  }

  private void run() throws Exception {
    Path model = Bench.model();
    LabelledImages train = TestData.mnist().train();
    LabelledImages test = TestData.mnist().test();
    report.print(
        "machine: %d cores, %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    report.print("model: %s", model);

    LoadedModel loaded = ModelFiles.load(model);
    InProcess ceiling = inProcess(loaded, test, THREADS);
    inferenceCpuPerImage = ceiling.cpuPerImage();

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String latencyRates = System.getProperty("benchmark.latencyRates", "");
      if (!latencyRates.isEmpty()) { // latency at fixed rates only, 1 partition
        // builds to compare, alternating at each rate so that they share the machine's state
        List<String> jars = List.of(System.getProperty("benchmark.jars", "").split(","));
        for (String rate : latencyRates.split(",")) {
          for (String jar : jars) {
            if (jar.isBlank()) {
              System.clearProperty(StreamAppProcess.JAR_PROPERTY);
            } else {
              System.setProperty(StreamAppProcess.JAR_PROPERTY, jar.trim());
            }
            String label = jar.isBlank() ? "fixed rate" : "fixed rate, " + jar.trim();
            latencyAt(kafka, model, test, Integer.parseInt(rate.trim()), label, Map.of());
          }
        }
        return;
      }
      if (Boolean.getBoolean("benchmark.maxRateOnly")) { // the search alone, 1 partition
        maxSustainableRate(kafka, model, Map.of("PROCESSING_GUARANTEE", GUARANTEE));
        return;
      }
      double baseline =
          PerRecordBaseline.imagesPerSecond(
              kafka, model, test, Integer.getInteger("benchmark.baselineImages", 5_000));
      report.print(
          "per-record baseline (Kafka Streams mapValues, one model call per record, 1 thread, %s): %,.0f images/s",
          GUARANTEE, baseline);
      // with 1 partition the app infers on one stream thread, as this does (its operations may
      // still spread over the cores): the like-for-like reference for that drain's CPU per image
      oneThreadCpuPerImage = inProcess(loaded, test, 1).cpuPerImage();
      Map<String, String> target = Map.of("LATENCY_TARGET_MS", Integer.toString(TARGET_MS));
      for (int partitions : partitionCounts()) {
        double max = drainBacklog(kafka, model, partitions, train, Map.of());
        report.print(
            "end to end, %d partition(s), %s, draining %,d images: %,.0f images/s = %.0f %% of the ceiling, %.1fx the per-record baseline",
            partitions,
            GUARANTEE,
            BACKLOG_IMAGES,
            max,
            100 * max / ceiling.imagesPerSecond(),
            max / baseline);
        double targeted = drainBacklog(kafka, model, partitions, train, target);
        report.print(
            "end to end, %d partition(s), %s, latency target %d ms, draining %,d images: %,.0f images/s = %.0f %% of the fixed setting's",
            partitions, GUARANTEE, TARGET_MS, BACKLOG_IMAGES, targeted, 100 * targeted / max);
        // after the drains: a fresh app against a broker and reader (this JVM) that have run
        // before, as a production broker has. Measured first, this JVM's C2 compiler took 44 % of
        // a core during the app's first 10 s (BENCHMARKS.md, "Cold start in a cold harness").
        coldStart(kafka, model, partitions, train, Math.max(max, targeted));
      }
      if (Boolean.getBoolean("benchmark.backlogOnly")) {
        return;
      }
      for (String guarantee : List.of("exactly_once_v2", "at_least_once")) {
        Map<String, String> fixed = Map.of("PROCESSING_GUARANTEE", guarantee);
        int max = maxSustainableRate(kafka, model, fixed);
        Bench.check(max > 0, "producer --find-max-rate (%s) found no sustainable rate", guarantee);
        Map<String, String> withTarget = new HashMap<>(fixed);
        withTarget.putAll(target);
        latencyAt(kafka, model, test, max / 2, "50 % of the maximum, fixed batching", fixed);
        latencyAt(
            kafka,
            model,
            test,
            max / 2,
            "50 %% of the maximum, latency target %d ms".formatted(TARGET_MS),
            withTarget);
      }
    }
  }

  /**
   * The highest rate a stream-app (1 partition) sustains with p99 within {@link #OBJECTIVE} and
   * nothing missing, as {@code producer --find-max-rate} finds it (the producer as users run it, in
   * its own JVM), or -1 when it found none. Its trial lines go to the report.
   */
  private int maxSustainableRate(EmbeddedKafka kafka, Path model, Map<String, String> settings)
      throws Exception {
    Topics topics = Topics.create(kafka, 1);
    String guarantee = settings.get("PROCESSING_GUARANTEE");
    try (StreamAppProcess app = startApp(kafka, model, topics, "max-rate", settings)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process producer =
          new ProcessBuilder(
                  java,
                  "-jar",
                  "producer/target/producer.jar",
                  "-b",
                  kafka.bootstrapServers(),
                  "-t",
                  topics.input(),
                  "--output-topic",
                  topics.output(),
                  "--dlq-topic",
                  topics.dlq(),
                  "--review-topic",
                  "",
                  "--malformed-fraction",
                  "0",
                  "--find-max-rate",
                  "--p99-objective",
                  OBJECTIVE,
                  "--min-rate",
                  "500",
                  "--max-rate",
                  "16000",
                  "--warm-up",
                  "10s")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      int max = -1;
      try (var lines =
          new BufferedReader(
              new InputStreamReader(producer.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          Matcher found = MAXIMUM.matcher(line);
          if (found.find()) {
            max = Integer.parseInt(found.group(1).replace(",", ""));
          }
          if (!line.isBlank()) {
            report.print("  max-rate search, %s: %s", guarantee, line.strip());
          }
        }
      }
      int exit = producer.waitFor();
      if (exit != 0 || max < 0) {
        report.print(
            "  max-rate search, %s: no sustainable rate (producer exit %d); see %s",
            guarantee, exit, app.log());
        return -1;
      }
      report.print(
          "maximum sustainable rate, 1 partition, %s (producer --find-max-rate, p99 <= %s, 0 missing): %,d images/s",
          guarantee, OBJECTIVE, max);
      return max;
    }
  }

  /** The broker alone, same harness and rate: what the pipeline's latency cannot go below. */
  private void brokerRoundTrip() throws Exception {
    LabelledImages test = TestData.mnist().test();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Topics topics = Topics.create(kafka, 1);
      try (var consumer = consumer(kafka, topics.input())) {
        consumer.poll(Duration.ofMillis(500));
        int count = 16_000;
        Thread producer = openLoop(kafka, topics.input(), test, count, 1_600);
        Histogram latencies = new Histogram(60_000, 3);
        int seen = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (seen < count && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (seen++ >= count / 5) {
              latencies.recordValue(Math.max(0, System.currentTimeMillis() - r.timestamp()));
            }
          }
        }
        producer.join();
        Bench.check(
            seen >= count, "broker round trip: %,d of %,d records read in 120 s", seen, count);
        report.print(
            "broker only, 1,600 images/s: p50 %d ms, p99 %d ms",
            latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99));
      }
    }
  }

  /** {@code -Dbenchmark.partitions=1,12} (the default). */
  private static int[] partitionCounts() {
    return Arrays.stream(System.getProperty("benchmark.partitions", "1,12").split(","))
        .mapToInt(p -> Integer.parseInt(p.trim()))
        .toArray();
  }

  /**
   * In-process inference: images per second, and CPU seconds per image (the cores the workers kept
   * busy over the images they did per second).
   */
  private record InProcess(double imagesPerSecond, double cpuPerImage) {}

  /** In-process inference on {@code threads} workers at {@link #BATCH}, printed. */
  private InProcess inProcess(LoadedModel model, LabelledImages images, int threads)
      throws Exception {
    Nd4jRuntime.configure(1);
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(images.image(i));
    }
    CpuTimes before = CpuTimes.of(ProcessHandle.current().pid());
    double imagesPerSecond =
        Throughput.imagesPerSecond(
            model,
            batch,
            threads,
            BATCH,
            Duration.ofSeconds(2),
            Duration.ofSeconds(Integer.getInteger("benchmark.ceilingSeconds", 10)));
    CpuTimes cpu = CpuTimes.of(ProcessHandle.current().pid()).minus(before);
    double cores = cpu.processSeconds() / cpu.wallSeconds();
    InProcess result = new InProcess(imagesPerSecond, cores / imagesPerSecond);
    report.print(
        "in-process inference%s, %s x batch %d: %,.0f images/s, CPU per image %.0f us (%.2f cores busy)",
        threads == THREADS ? " ceiling" : "",
        threads == 1 ? "1 thread" : threads + " threads",
        BATCH,
        imagesPerSecond,
        result.cpuPerImage() * 1e6,
        cores);
    return result;
  }

  /**
   * Warms the stream-app up on {@link #WARM_UP_IMAGES} images (a cold JVM spends its first seconds
   * compiling), then times the drain of a backlog of {@link #BACKLOG_IMAGES}: first to last
   * committed prediction. Batch sizes, step times and CPU use are those of the measured drain only.
   */
  private double drainBacklog(
      EmbeddedKafka kafka,
      Path model,
      int partitions,
      LabelledImages images,
      Map<String, String> settings)
      throws Exception {
    Topics topics = Topics.create(kafka, partitions);
    try (StreamAppProcess app = startApp(kafka, model, topics, "backlog-" + partitions, settings);
        var consumer = consumer(kafka, topics.output())) {
      warmUp(kafka, topics, images, consumer);
      String before = app.scrape();
      CpuTimes cpuBefore = CpuTimes.of(app.pid());
      Map<String, Double> threadsBefore = ProcStats.threadSeconds(app.pid());
      Profiler profiler = Profiler.attach(app.pid());
      produce(kafka, topics.input(), images, BACKLOG_IMAGES);
      long[] firstAndLast = new long[2];
      int seen = awaitPredictions(consumer, BACKLOG_IMAGES, firstAndLast);
      profiler.stop("backlog-" + partitions + (settings.isEmpty() ? "" : "-target"));
      Bench.check(
          seen >= BACKLOG_IMAGES,
          "backlog %d partition(s): %,d of %,d predictions in 5 minutes; see %s",
          partitions,
          seen,
          BACKLOG_IMAGES,
          app.log());
      CpuTimes cpu = CpuTimes.of(app.pid()).minus(cpuBefore);
      Map<String, Double> threads = ProcStats.threadSeconds(app.pid());
      String after = app.scrape();
      double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
      report.print(
          "  backlog %d partition(s): %s", partitions, AppScrape.batchSizes(before, after));
      report.print("  backlog %d partition(s): %s", partitions, AppScrape.stepTimes(before, after));
      report.print(
          "  backlog %d partition(s): CPU in use, of %d cores: stream-app %.2f, whole machine %.2f"
              + " (broker, benchmark clients and the app)",
          partitions,
          Runtime.getRuntime().availableProcessors(),
          cpu.processSeconds() / cpu.wallSeconds(),
          cpu.machineSeconds() / cpu.wallSeconds());
      double appCpuPerImage = cpu.processSeconds() / seen;
      report.print(
          "  backlog %d partition(s): stream-app CPU per image %.0f us = %.2fx in-process inference at batch %d (over %.1f s from the first record sent; drain %.1f s)",
          partitions,
          appCpuPerImage * 1e6,
          appCpuPerImage / inferenceCpuPerImage,
          BATCH,
          cpu.wallSeconds(),
          seconds);
      if (partitions == 1) {
        report.print(
            "  backlog 1 partition(s): stream-app CPU per image %.2fx in-process inference on 1 thread at batch %d (%.0f us), as the app infers with 1 partition",
            appCpuPerImage / oneThreadCpuPerImage, BATCH, oneThreadCpuPerImage * 1e6);
      }
      report.print(
          "  backlog %d partition(s): stream-app CPU per image by thread, us: %s",
          partitions, ProcStats.byThread(threadsBefore, threads, 1e6 / seen));
      report.print("  stream-app peak RSS: %,d MB", ProcStats.peakRssKb(app.pid()) / 1024);
      return (seen - 1) / seconds;
    }
  }

  /**
   * A freshly started stream-app, not warmed up by the benchmark, drains a backlog sent before it
   * started: its throughput in the first {@link #FIRST_SECONDS} s after it said ready against the
   * rest of the drain (readiness should mean steady speed from the first record). The backlog lasts
   * about {@link #COLD_STEADY_SECONDS} s beyond the first window at {@code drainRate} (the warm
   * drain's), within 2 to 10 backlogs: 120,000 images left about 1.5 s of "steady", the drain's
   * tail included, at 12 partitions.
   */
  private void coldStart(
      EmbeddedKafka kafka, Path model, int partitions, LabelledImages images, double drainRate)
      throws Exception {
    Topics topics = Topics.create(kafka, partitions);
    int count =
        (int)
            Math.max(
                2 * BACKLOG_IMAGES,
                Math.min(
                    10L * BACKLOG_IMAGES,
                    Math.ceil(drainRate * (FIRST_SECONDS + COLD_STEADY_SECONDS))));
    produce(kafka, topics.input(), images, count);
    try (var consumer = consumer(kafka, topics.output())) {
      while (consumer.assignment().isEmpty()) { // joined before the app starts: no join delay
        consumer.poll(Duration.ofMillis(100));
      }
      try (StreamAppProcess app = startApp(kafka, model, topics, "cold-" + partitions)) {
        Map<String, Double> threadsAtReady = ProcStats.threadSeconds(app.pid());
        Map<String, Double> threadsAtWindowEnd = null;
        long self = ProcessHandle.current().pid();
        Map<String, Double> ownAtReady = ProcStats.threadSeconds(self);
        Map<String, Double> ownAtWindowEnd = null;
        Profiler profiler = Profiler.attach(app.pid());
        long ready = System.nanoTime();
        long firstWindowEnd = ready + TimeUnit.SECONDS.toNanos(FIRST_SECONDS);
        long deadline = ready + TimeUnit.SECONDS.toNanos(300);
        int[] perSecond = new int[300];
        int first = 0;
        int seen = 0;
        long firstAt = 0;
        long last = ready;
        while (seen < count && System.nanoTime() < deadline) {
          int polled = consumer.poll(Duration.ofMillis(100)).count();
          long now = System.nanoTime();
          if (now <= firstWindowEnd) {
            first += polled;
          } else if (threadsAtWindowEnd == null) {
            threadsAtWindowEnd = ProcStats.threadSeconds(app.pid());
            ownAtWindowEnd = ProcStats.threadSeconds(self);
            profiler.stop("cold-" + partitions + "-first-" + FIRST_SECONDS + "s");
          }
          if (polled > 0) {
            firstAt = firstAt == 0 ? now : firstAt;
            last = now;
            perSecond[(int) Math.min(299, (now - ready) / 1_000_000_000L)] += polled;
          }
          seen += polled;
        }
        Bench.check(
            seen >= count,
            "cold start %d partition(s): %,d of %,d predictions in 5 minutes; see %s",
            partitions,
            seen,
            count,
            app.log());
        if (last <= firstWindowEnd) { // a backlog too small for the comparison (a quick check)
          report.print(
              "cold start, %d partition(s): all %,d images within the first %d s",
              partitions, count, FIRST_SECONDS);
          return;
        }
        double firstRate = first / (double) FIRST_SECONDS;
        double steadyRate = (seen - first) / ((last - firstWindowEnd) / 1e9);
        report.print(
            "cold start, %d partition(s), %s, %,d images waiting: %,.0f images/s in the first %d s after ready, %,.0f after: first %d s at %.0f %% of steady",
            partitions,
            GUARANTEE,
            count,
            firstRate,
            FIRST_SECONDS,
            steadyRate,
            FIRST_SECONDS,
            100 * firstRate / steadyRate);
        report.print(
            "  cold start %d partition(s): first prediction %.1f s after ready; predictions in each of the first 15 s: %s",
            partitions, (firstAt - ready) / 1e9, Arrays.toString(Arrays.copyOf(perSecond, 15)));
        report.print(
            "  cold start %d partition(s): stream-app CPU by thread, ms per second: first %d s %s; after %s",
            partitions,
            FIRST_SECONDS,
            ProcStats.byThread(threadsAtReady, threadsAtWindowEnd, 1e3 / FIRST_SECONDS),
            ProcStats.byThread(
                threadsAtWindowEnd,
                ProcStats.threadSeconds(app.pid()),
                1e3 / ((last - firstWindowEnd) / 1e9)));
        report.print(
            "  cold start %d partition(s): the benchmark's JVM (broker, reader) CPU by thread, ms per second, first %d s: %s",
            partitions,
            FIRST_SECONDS,
            ProcStats.byThread(ownAtReady, ownAtWindowEnd, 1e3 / FIRST_SECONDS));
      }
    }
  }

  /** End-to-end latency at {@code rate}, open-loop, 1 partition, with these app settings. */
  private void latencyAt(
      EmbeddedKafka kafka,
      Path model,
      LabelledImages images,
      int rate,
      String label,
      Map<String, String> settings)
      throws Exception {
    Topics topics = Topics.create(kafka, 1);
    String guarantee = settings.getOrDefault("PROCESSING_GUARANTEE", GUARANTEE);
    try (StreamAppProcess app = startApp(kafka, model, topics, "latency", settings);
        var consumer = consumer(kafka, topics.output())) {
      warmUp(kafka, topics, images, consumer);
      String before = app.scrape();
      int count = rate * Integer.getInteger("benchmark.latencySeconds", 15);
      Thread producer = openLoop(kafka, topics.input(), images, count, rate);
      Histogram latencies = new Histogram(60_000, 3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int seen = 0;
      long[] worstBySecond = new long[600];
      long startMs = System.currentTimeMillis();
      while (seen < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.currentTimeMillis();
          if (seen++ >= count / 5) { // skip the first fifth: warm-up
            long latency = Math.max(0, now - r.timestamp());
            latencies.recordValue(latency);
            int second = (int) Math.min(599, (r.timestamp() - startMs) / 1000);
            worstBySecond[second] = Math.max(worstBySecond[second], latency);
          }
        }
      }
      producer.join();
      String after = app.scrape();
      report.print(
          "  inside the stream-app (input timestamp to emission, before the transaction commits): mean %.1f ms",
          1000
              * AppScrape.delta(before, after, "digitstream_end_to_end_latency_seconds_sum")
              / AppScrape.delta(before, after, "digitstream_end_to_end_latency_seconds_count"));
      report.print("  batches: %s", AppScrape.batchSizes(before, after));
      report.print(
          "  worst latency by second of sending: %s",
          Arrays.toString(Arrays.copyOf(worstBySecond, count / rate)));
      report.print("  %s", AppScrape.stepTimes(before, after));
      report.print(
          "end-to-end latency at %,d images/s (%s), 1 partition, %s: p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, max %d ms (%d samples)",
          rate,
          label,
          guarantee,
          latencies.getValueAtPercentile(50),
          latencies.getValueAtPercentile(90),
          latencies.getValueAtPercentile(99),
          latencies.getValueAtPercentile(99.9),
          latencies.getMaxValue(),
          latencies.getTotalCount());
    }
  }

  static void warmUp(
      EmbeddedKafka kafka,
      Topics topics,
      LabelledImages images,
      org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer) {
    produce(kafka, topics.input(), images, WARM_UP_IMAGES);
    int seen = awaitPredictions(consumer, WARM_UP_IMAGES, null);
    Bench.check(
        seen >= WARM_UP_IMAGES,
        "warm-up: %,d of %,d predictions in 5 minutes",
        seen,
        WARM_UP_IMAGES);
  }

  /** The stream-app as deployed, in its own JVM (test-support's fixture), ready to process. */
  private static StreamAppProcess startApp(
      EmbeddedKafka kafka, Path model, Topics topics, String name) throws Exception {
    return startApp(kafka, model, topics, name, Map.of());
  }

  /** {@link #startApp(EmbeddedKafka, Path, Topics, String)} with more settings. */
  static StreamAppProcess startApp(
      EmbeddedKafka kafka, Path model, Topics topics, String name, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("APPLICATION_ID", "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 6));
    env.put("INPUT_TOPIC", topics.input());
    env.put("OUTPUT_TOPIC", topics.output());
    env.put("DLQ_TOPIC", topics.dlq());
    // every record a prediction, as the drain counts them, unless a benchmark sets a review topic
    env.putIfAbsent("REVIEW_TOPIC", "");
    env.put("MODEL_PATH", model.toString());
    env.put("BATCH_MAX_SIZE", Integer.toString(BATCH));
    env.put(
        "STATE_DIR",
        Files.createDirectories(Path.of("target", "benchmark-state")).toAbsolutePath().toString());
    env.putAll(passThrough());
    return StreamAppProcess.start(env, "benchmark-" + name).awaitReady();
  }

  /** BATCH_MAX_DELAY_MS, PROCESSING_GUARANTEE etc. from -Dbenchmark.env.NAME=value. */
  private static Map<String, String> passThrough() {
    Map<String, String> env = new HashMap<>();
    System.getProperties()
        .forEach(
            (k, v) -> {
              if (k.toString().startsWith("benchmark.env.")) {
                env.put(k.toString().substring("benchmark.env.".length()), v.toString());
              }
            });
    return env;
  }
}
