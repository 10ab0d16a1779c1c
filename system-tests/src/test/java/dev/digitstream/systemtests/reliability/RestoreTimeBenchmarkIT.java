package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.streamapp.topology.TopologyFactory;
import dev.digitstream.testsupport.StreamAppProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Restore time after a crash as history grows (a benchmark, not a test: it runs only with {@code
 * -Drestore.benchmark=true}). The stream-app runs as its own process under a continuous load; each
 * time its consumer group has committed a checkpoint's number of input records it is SIGKILLed and
 * started again, and the run records the {@code pending-images} changelog as the restart finds it
 * (bytes on disk, segments, offsets, the records in it) and the restart: seconds from process start
 * to {@code /health/ready}, the restore itself from Kafka Streams' log, the records restored and
 * {@code digitstream_pending_restored_total}. Checkpoint 0 is a restart with an empty changelog,
 * the baseline of start-up cost.
 *
 * <p>Properties: {@code restore.checkpoints} (records, comma-separated), {@code
 * restore.changelogDefaults=true} (negative control: the changelog set back to the broker's
 * defaults, 1 GiB segments, 24 h of tombstones), {@code restore.partitions}, {@code
 * restore.guarantee}, {@code restore.commitMs}. Figures go to target/reliability-results.txt.
 */
@Timeout(7200)
class RestoreTimeBenchmarkIT {

  private static final List<Long> CHECKPOINTS =
      Arrays.stream(
              System.getProperty(
                      "restore.checkpoints", "0,1000000,2000000,4000000,6000000,8000000,10000000")
                  .split(","))
          .map(String::trim)
          .map(Long::parseLong)
          .toList();
  private static final boolean CHANGELOG_DEFAULTS = Boolean.getBoolean("restore.changelogDefaults");
  private static final int PARTITIONS = Integer.getInteger("restore.partitions", 4);
  private static final String GUARANTEE = System.getProperty("restore.guarantee", "at_least_once");
  private static final String COMMIT_MS = System.getProperty("restore.commitMs", "1000");

  /** Records sent past the last checkpoint, so that the last kill, too, hits a running stream. */
  private static final long SLACK = 100_000;

  /** The feeder keeps the backlog under this, well inside the input topic's retention. */
  private static final long MAX_BACKLOG = 300_000;

  private static final int CHUNK = 100_000;
  private static final long MIB = 1L << 20;

  /** What a compacted topic gets from the broker when the application sets nothing. */
  private static final Map<String, String> BROKER_DEFAULTS =
      Map.of(
          TopicConfig.SEGMENT_BYTES_CONFIG, "1073741824",
          TopicConfig.SEGMENT_MS_CONFIG, "604800000",
          TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000",
          TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.5");

  private static final Pattern FINISHED =
      Pattern.compile(
          "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Finished restoring changelog (\\S+) to store "
              + TopologyFactory.PENDING_STORE
              + " with a total number of (\\d+) records");
  private static final Pattern STARTED =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Start restoring changelog partition");

  @Test
  void restoreTimeAfterSigkillAsHistoryGrows() throws Exception {
    assumeThat(Boolean.getBoolean("restore.benchmark"))
        .as("run with -Drestore.benchmark=true")
        .isTrue();
    Path logDir = Files.createTempDirectory("restore-kafka-");
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(
                logDir,
                true,
                // the input topic's retention must bite within the run (default: every 5 min)
                Map.of("log.retention.check.interval.ms", "10000"));
        Admin admin = Admin.create(kafka.clientProperties())) {
      Map<String, String> env = new HashMap<>(FaultFixture.appEnv(kafka, "restore", PARTITIONS));
      env.put("PROCESSING_GUARANTEE", GUARANTEE);
      env.put("COMMIT_INTERVAL_MS", COMMIT_MS);
      env.put("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + restoreLogging());
      String changelog =
          env.get("APPLICATION_ID") + "-" + TopologyFactory.PENDING_STORE + "-changelog";
      // 10 million 784-byte images would not fit on the disk: keep the topics bounded
      alter(admin, env.get("INPUT_TOPIC"), retention(512 * MIB));
      alter(admin, env.get("OUTPUT_TOPIC"), retention(128 * MIB));

      StreamAppProcess app = StreamAppProcess.start(env, "restore-first").awaitReady();
      if (CHANGELOG_DEFAULTS) {
        alter(admin, changelog, BROKER_DEFAULTS);
      }
      FaultFixture.record(
          "restore-time",
          "%s, %d input partitions, commit interval %s ms, checkpoints %s; changelog %s: %s",
          GUARANTEE,
          PARTITIONS,
          COMMIT_MS,
          CHECKPOINTS,
          CHANGELOG_DEFAULTS ? "set back to the broker's defaults" : "as the stream-app sets it",
          configs(admin, changelog));

      long total = CHECKPOINTS.get(CHECKPOINTS.size() - 1) + SLACK;
      Feeder feeder = new Feeder(admin, env, total);
      long since = System.nanoTime();
      long processedBefore = 0;
      try {
        for (long checkpoint : CHECKPOINTS) {
          if (checkpoint > 0) {
            feeder.startOnce();
          }
          long processed;
          while ((processed = processed(admin, env)) < checkpoint) {
            feeder.check();
            assertThat(app.isAlive()).as("stream-app alive, see %s", app.log()).isTrue();
            Thread.sleep(250);
          }
          double rate = (processed - processedBefore) / ((System.nanoTime() - since) / 1e9);
          app.kill();
          Changelog before = Changelog.measure(admin, changelog, logDir);

          Instant started = Instant.now();
          long t0 = System.nanoTime();
          app = StreamAppProcess.start(env, "restore-" + checkpoint).awaitReady();
          double readySeconds = (System.nanoTime() - t0) / 1e9;
          RestoreLog restore = RestoreLog.read(app.log(), started);
          // the restored store is re-queued on the first tick of each task, right after RUNNING
          Thread.sleep(2_000);
          long requeued =
              (long) FaultFixture.metricSum(app.scrape(), "digitstream_pending_restored_total");
          FaultFixture.record(
              "restore-time",
              "%,d processed (%,d sent, %,.0f/s since the last restart), SIGKILL: changelog %,.1f MiB in %d segments (%,.1f MiB by describeLogDirs), offsets %,d..%,d (span %,d), %,d records = %,d values + %,d tombstones; restart: ready after %.1f s, restore %s, %,d records restored (Kafka Streams), %,d re-queued (digitstream_pending_restored_total); broker log segments %,.0f MiB, disk free %,.1f GiB",
              processed,
              feeder.sent(),
              rate,
              before.bytesOnDisk() / (double) MIB,
              before.segments(),
              before.bytesReported() / (double) MIB,
              before.beginning(),
              before.end(),
              before.end() - before.beginning(),
              before.values() + before.tombstones(),
              before.values(),
              before.tombstones(),
              readySeconds,
              restore.describe(),
              restore.records(),
              requeued,
              sizeOf(logDir) / (double) MIB,
              Files.getFileStore(logDir).getUsableSpace() / (double) (1L << 30));
          since = System.nanoTime();
          processedBefore = processed(admin, env);
        }
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> feeder.done() && processed(admin, env) >= feeder.sent());
        FaultFixture.record(
            "restore-time",
            "after the last restart: %,d sent, %,d processed (lag 0)",
            feeder.sent(),
            processed(admin, env));
      } finally {
        feeder.stop();
        app.close();
      }
    }
  }

  /** A logback configuration like the stream-app's, which also shows its restores. */
  private static String restoreLogging() throws IOException {
    Path file = Path.of("target", "restore-logback.xml").toAbsolutePath();
    Files.writeString(
        file,
        """
        <configuration>
          <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.kafka" level="WARN"/>
          <logger name="org.apache.kafka.streams.processor.internals.StoreChangelogReader" level="DEBUG"/>
          <logger name="org.apache.kafka.streams.KafkaStreams" level="INFO"/>
          <logger name="org.nd4j" level="WARN"/>
          <logger name="org.deeplearning4j" level="WARN"/>
          <logger name="org.reflections" level="ERROR"/>
          <root level="INFO"><appender-ref ref="STDERR"/></root>
        </configuration>
        """);
    return file.toString();
  }

  private static Map<String, String> retention(long bytesPerPartition) {
    return Map.of(
        TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(bytesPerPartition),
        TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(64 * MIB));
  }

  private static void alter(Admin admin, String topic, Map<String, String> configs)
      throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    List<AlterConfigOp> ops =
        configs.entrySet().stream()
            .map(
                e ->
                    new AlterConfigOp(
                        new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
            .toList();
    admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
  }

  private static String configs(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    List<String> names =
        List.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.SEGMENT_BYTES_CONFIG,
            TopicConfig.SEGMENT_MS_CONFIG,
            TopicConfig.DELETE_RETENTION_MS_CONFIG,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
    var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    return names.stream()
        .map(n -> n + "=" + config.get(n).value())
        .collect(Collectors.joining(", "));
  }

  /** Input records the stream-app's group has committed, over all input partitions. */
  private static long processed(Admin admin, Map<String, String> env) throws Exception {
    return admin
        .listConsumerGroupOffsets(env.get("APPLICATION_ID"))
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().equals(env.get("INPUT_TOPIC")) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** Bytes in the broker's log segments (index files are preallocated and would count 10 MiB). */
  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".log"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  /** The changelog as a restore finds it. */
  private record Changelog(
      long bytesOnDisk,
      int segments,
      long bytesReported,
      long beginning,
      long end,
      long values,
      long tombstones) {

    static Changelog measure(Admin admin, String topic, Path logDir) throws Exception {
      List<TopicPartition> partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      long bytes = 0;
      int segments = 0;
      for (TopicPartition p : partitions) {
        try (Stream<Path> files = Files.list(logDir.resolve(p.toString()))) {
          for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
            bytes += f.toFile().length();
            segments++;
          }
        }
      }
      long reported =
          admin
              .describeLogDirs(
                  admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
              .allDescriptions()
              .get()
              .values()
              .stream()
              .flatMap(dirs -> dirs.values().stream())
              .flatMap(dir -> dir.replicaInfos().entrySet().stream())
              .filter(e -> e.getKey().topic().equals(topic))
              .mapToLong(e -> e.getValue().size())
              .sum();
      Map<TopicPartition, Long> beginning = offsets(admin, partitions, OffsetSpec.earliest());
      Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
      long values = 0;
      long tombstones = 0;
      Map<String, Object> props = new HashMap<>();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(admin));
      props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.value() == null) {
              tombstones++;
            } else {
              values++;
            }
          }
        }
      }
      return new Changelog(
          bytes,
          segments,
          reported,
          beginning.values().stream().mapToLong(Long::longValue).sum(),
          end.values().stream().mapToLong(Long::longValue).sum(),
          values,
          tombstones);
    }

    private static Map<TopicPartition, Long> offsets(
        Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions.forEach(p -> request.put(p, spec));
      Map<TopicPartition, Long> offsets = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((p, o) -> offsets.put(p, o.offset()));
      return offsets;
    }

    private static String bootstrap(Admin admin) throws Exception {
      var node = admin.describeCluster().nodes().get().iterator().next();
      return node.host() + ":" + node.port();
    }
  }

  /** What Kafka Streams' log says about a restart's restore, timed from the process start. */
  private record RestoreLog(long records, int partitions, long startMs, long finishMs) {

    static RestoreLog read(Path log, Instant processStart) throws IOException {
      LocalTime start = LocalTime.ofInstant(processStart, ZoneId.systemDefault());
      long records = 0;
      int partitions = 0;
      long first = -1;
      long last = -1;
      for (String line : Files.readAllLines(log)) {
        Matcher started = STARTED.matcher(line);
        if (started.find() && first < 0) {
          first = Duration.between(start, LocalTime.parse(started.group(1))).toMillis();
        }
        Matcher finished = FINISHED.matcher(line);
        if (finished.find()) {
          records += Long.parseLong(finished.group(3));
          partitions++;
          last = Duration.between(start, LocalTime.parse(finished.group(1))).toMillis();
        }
      }
      return new RestoreLog(records, partitions, first, last);
    }

    String describe() {
      return partitions == 0
          ? "not in the log"
          : String.format(
              "of %d partitions from %.1f s to %.1f s after the process start (%.2f s)",
              partitions, startMs / 1e3, finishMs / 1e3, (finishMs - startMs) / 1e3);
    }
  }

  /** Sends MNIST images in chunks, as fast as the producer goes, keeping the backlog bounded. */
  private static final class Feeder {

    private final Admin admin;
    private final Map<String, String> env;
    private final long total;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long sent;
    private volatile boolean stop;
    private volatile boolean done;
    private Thread thread;

    Feeder(Admin admin, Map<String, String> env, long total) {
      this.admin = admin;
      this.env = env;
      this.total = total;
    }

    void startOnce() {
      if (thread != null) {
        return;
      }
      thread = new Thread(this::run, "restore-feeder");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (!stop && sent < total) {
          if (sent - processed(admin, env) > MAX_BACKLOG) {
            Thread.sleep(500);
            continue;
          }
          long count = Math.min(CHUNK, total - sent);
          List<String> args =
              new ArrayList<>(
                  List.of(
                      "--bootstrap-servers",
                      env.get("KAFKA_BOOTSTRAP_SERVERS"),
                      "--topic",
                      env.get("INPUT_TOPIC"),
                      "--data-dir",
                      TestData.mnistDir().toString(),
                      "--count",
                      Long.toString(count),
                      "--rate",
                      "0",
                      "--partitioning",
                      "spread"));
          int exit = ProducerCli.run(args.toArray(String[]::new), Map.of(), () -> stop);
          if (exit != 0) {
            throw new IllegalStateException("producer exited with " + exit);
          }
          sent += count;
        }
        done = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) {
        failure.set(e);
      }
    }

    void check() {
      if (failure.get() != null) {
        throw new IllegalStateException("feeder failed", failure.get());
      }
    }

    long sent() {
      return sent;
    }

    boolean done() {
      check();
      return done;
    }

    void stop() throws InterruptedException {
      stop = true;
      if (thread != null) {
        thread.join(30_000);
      }
    }
  }
}
