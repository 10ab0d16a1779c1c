package dev.digitstream.benchmarks;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.streamapp.topology.TopologyFactory;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import dev.digitstream.testsupport.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Restore time after a crash as history grows. The stream-app runs as its own process under a
 * continuous load; each time its consumer group has committed a checkpoint's number of input
 * records it is SIGKILLed and started again, and the run records the {@code pending-images}
 * changelog as the restart finds it ({@link ChangelogSnapshot}) and the restart: seconds from
 * process start to {@code /health/ready}, the restore itself from Kafka Streams' log ({@link
 * RestoreLog}), the records restored and {@code digitstream_pending_restored_total}. Checkpoint 0
 * is a restart with an empty changelog, the baseline of start-up cost. Figures go to stdout, one
 * {@code restore-time:} line each.
 *
 * <p>{@code MODEL_PATH} names the model (default: a small one trained under target/test-model);
 * {@code MNIST_DIR} the images. System properties: {@code restore.checkpoints} (records,
 * comma-separated), {@code restore.changelogDefaults=true} (negative control: the changelog set
 * back to the broker's defaults, 1 GiB segments, 24 h of tombstones), {@code restore.partitions},
 * {@code restore.guarantee}, {@code restore.commitMs}, {@code restore.slack} (records sent past the
 * last checkpoint).
 */
public final class RestoreTimeBenchmark {

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
  private static final long SLACK = Long.getLong("restore.slack", 100_000);

  private static final long MIB = 1L << 20;

  /** What a compacted topic gets from the broker when the application sets nothing. */
  private static final Map<String, String> BROKER_DEFAULTS =
      Map.of(
          TopicConfig.SEGMENT_BYTES_CONFIG, "1073741824",
          TopicConfig.SEGMENT_MS_CONFIG, "604800000",
          TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000",
          TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.5");

  private RestoreTimeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    Path logDir = Files.createTempDirectory("restore-kafka-");
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(
                logDir,
                true,
                // the input topic's retention must bite within the run (default: every 5 min)
                Map.of("log.retention.check.interval.ms", "10000"));
        Admin admin = Admin.create(kafka.clientProperties())) {
      Map<String, String> env = appEnv(kafka);
      String changelog =
          env.get("APPLICATION_ID") + "-" + TopologyFactory.PENDING_STORE + "-changelog";
      // 10 million 784-byte images would not fit on the disk: keep the topics bounded
      alter(admin, env.get("INPUT_TOPIC"), retention(512 * MIB));
      alter(admin, env.get("OUTPUT_TOPIC"), retention(128 * MIB));

      StreamAppProcess app = StreamAppProcess.start(env, "restore-first").awaitReady();
      if (CHANGELOG_DEFAULTS) {
        alter(admin, changelog, BROKER_DEFAULTS);
      }
      record(
          "%s, %d input partitions, commit interval %s ms, checkpoints %s, model %s; changelog %s: %s",
          GUARANTEE,
          PARTITIONS,
          COMMIT_MS,
          CHECKPOINTS,
          env.get("MODEL_PATH"),
          CHANGELOG_DEFAULTS ? "set back to the broker's defaults" : "as the stream-app sets it",
          configs(admin, changelog));

      long total = CHECKPOINTS.get(CHECKPOINTS.size() - 1) + SLACK;
      RestoreFeeder feeder = new RestoreFeeder(admin, env, total);
      long since = System.nanoTime();
      long processedBefore = 0;
      try {
        for (long checkpoint : CHECKPOINTS) {
          if (checkpoint > 0) {
            feeder.startOnce();
          }
          long processed;
          while ((processed = RestoreFeeder.processed(admin, env)) < checkpoint) {
            feeder.check();
            Bench.check(app.isAlive(), "the stream-app died; see %s", app.log());
            Thread.sleep(250);
          }
          double rate = (processed - processedBefore) / ((System.nanoTime() - since) / 1e9);
          app.kill();
          ChangelogSnapshot before = ChangelogSnapshot.measure(admin, changelog, logDir);

          Instant started = Instant.now();
          long t0 = System.nanoTime();
          app = StreamAppProcess.start(env, "restore-" + checkpoint).awaitReady();
          double readySeconds = (System.nanoTime() - t0) / 1e9;
          RestoreLog restore = RestoreLog.read(app.log(), started);
          // the restored store is re-queued on the first tick of each task, right after RUNNING
          Thread.sleep(2_000);
          long requeued =
              (long) PrometheusScrape.sum(app.scrape(), "digitstream_pending_restored_total");
          record(
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
          processedBefore = RestoreFeeder.processed(admin, env);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!(feeder.done() && RestoreFeeder.processed(admin, env) >= feeder.sent())) {
          Bench.check(
              System.nanoTime() < deadline,
              "the stream-app did not catch up within 5 minutes of the last restart: %,d sent, %,d"
                  + " processed; see %s",
              feeder.sent(),
              RestoreFeeder.processed(admin, env),
              app.log());
          Thread.sleep(1_000);
        }
        record(
            "after the last restart: %,d sent, %,d processed (lag 0)",
            feeder.sent(), RestoreFeeder.processed(admin, env));
      } finally {
        feeder.stop();
        app.close();
      }
    }
  }

  /** Fresh topics and the stream-app's settings, as the reliability tests run it. */
  private static Map<String, String> appEnv(EmbeddedKafka kafka) throws Exception {
    String id = "restore-" + UUID.randomUUID().toString().substring(0, 6);
    kafka.createTopic(id + "-in", PARTITIONS);
    kafka.createTopic(id + "-out", PARTITIONS);
    kafka.createTopic(id + "-dlq", 1);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("APPLICATION_ID", id);
    env.put("INPUT_TOPIC", id + "-in");
    env.put("OUTPUT_TOPIC", id + "-out");
    env.put("DLQ_TOPIC", id + "-dlq");
    env.put("REVIEW_TOPIC", ""); // every record a prediction, as the restore counts them
    env.put("MODEL_PATH", Bench.configuredModel().orElseGet(TrainedModel::get).toString());
    env.put("STREAM_THREADS", "2");
    env.put("STATE_DIR", Path.of("target", "restore-state", id).toAbsolutePath().toString());
    // a killed member leaves the group after 6 s instead of 45 s, so restarts resume quickly
    env.put("KAFKA_CFG_SESSION_TIMEOUT_MS", "6000");
    env.put("PROCESSING_GUARANTEE", GUARANTEE);
    env.put("COMMIT_INTERVAL_MS", COMMIT_MS);
    env.put("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + RestoreLog.logbackConfig());
    return env;
  }

  /** Prints one line of figures. */
  private static void record(String format, Object... args) {
    System.out.println("restore-time: " + String.format(java.util.Locale.ROOT, format, args));
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

  /** Bytes in the broker's log segments (index files are preallocated and would count 10 MiB). */
  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".log"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }
}
