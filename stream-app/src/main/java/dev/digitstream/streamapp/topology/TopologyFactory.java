package dev.digitstream.streamapp.topology;

import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.metrics.AppMetrics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Builds the application's topology; pure, so tests drive the production topology. */
public final class TopologyFactory {

  static final String SOURCE = "images";
  static final String CLASSIFY = "classify";
  static final String PREDICTIONS_SINK = "predictions";
  static final String DEAD_LETTER_SINK = "dead-letters";
  static final String REVIEW_SINK = "review";

  /** The changelogged store of records waiting for their prediction. */
  public static final String PENDING_STORE = "pending-images";

  /**
   * The changelogged store of the latest model decision each task's predictions were computed by
   * (see {@link ClassifyProcessor}).
   */
  public static final String DECISION_STORE = "model-decision";

  /** The store that tells a task's processor of its commits ({@link CommitCounter}). */
  static final String COMMIT_COUNTER = "commit-counter";

  private TopologyFactory() {}

  /**
   * @param limit the largest record the app may write (see {@link RecordSizeLimit})
   */
  public static Topology build(
      StreamAppConfig config, Batchers batchers, AppMetrics metrics, RecordSizeLimit limit) {
    long tickMs = config.batchTiming().checkMs();
    boolean atLeastOnce = config.processingGuarantee().equals(StreamAppConfig.AT_LEAST_ONCE);
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        config.inputTopic());
    topology.addProcessor(
        CLASSIFY,
        () -> new ClassifyProcessor(batchers, metrics, tickMs, atLeastOnce, limit),
        SOURCE);
    // no cache: what the processor stores at the start of a commit reaches the changelog within it
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), PendingRecord.serde())
            .withLoggingEnabled(changelogConfig(config, limit))
            .withCachingDisabled(),
        CLASSIFY);
    topology.addStateStore(CommitCounter.builder(COMMIT_COUNTER), CLASSIFY);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DECISION_STORE), Serdes.Integer(), Serdes.Long())
            .withLoggingEnabled(Map.of()),
        CLASSIFY);
    topology.addSink(
        PREDICTIONS_SINK,
        config.outputTopic(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        CLASSIFY);
    if (batchers.review().enabled()) {
      topology.addSink(
          REVIEW_SINK,
          batchers.review().topic(),
          Serdes.ByteArray().serializer(),
          Serdes.ByteArray().serializer(),
          CLASSIFY);
    }
    topology.addSink(
        DEAD_LETTER_SINK,
        config.dlqTopic(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        CLASSIFY);
    return topology;
  }

  /**
   * The pending-images changelog: durable (its replicas and min ISR are settings), and bounded.
   * Every record stored at a commit leaves a value and a tombstone in it, so with the defaults (1
   * GiB segments, never compacted until they roll, tombstones kept a day) every restore reads
   * history. With these a segment rolls at 16 MiB or 10 minutes, is compacted, and its tombstones
   * go 10 minutes later: measured when every record left a tombstone (RELIABILITY.md), the
   * changelog levelled off at about 20 minutes of input and a restore took about 3 s after 4, 6 and
   * 10 million records.
   */
  static Map<String, String> changelogConfig(StreamAppConfig config, RecordSizeLimit limit) {
    return Map.of(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        Integer.toString(config.changelogMinInsyncReplicas()),
        TopicConfig.SEGMENT_BYTES_CONFIG,
        Integer.toString(16 * 1024 * 1024),
        TopicConfig.SEGMENT_MS_CONFIG,
        Long.toString(Duration.ofMinutes(10).toMillis()),
        TopicConfig.DELETE_RETENTION_MS_CONFIG,
        Long.toString(Duration.ofMinutes(10).toMillis()),
        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
        "0.1",
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
        Integer.toString(limit.maxBytes() + RecordSizeLimit.CHANGELOG_HEADROOM));
  }
}
