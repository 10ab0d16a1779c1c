package dev.digitstream.streamapp.topology;

import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.metrics.PipelineMetrics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Builds the application's topology; pure, so tests drive the production topology. */
public final class TopologyFactory {

  static final String SOURCE = "images";
  static final String CLASSIFY = "classify";
  static final String PREDICTIONS_SINK = "predictions";
  static final String DEAD_LETTER_SINK = "dead-letters";

  /** The changelogged store of records waiting for their prediction. */
  public static final String PENDING_STORE = "pending-images";

  private TopologyFactory() {}

  public static Topology build(StreamAppConfig config, Batchers batchers, PipelineMetrics metrics) {
    long tickMs = Math.max(1, config.batchMaxDelayMs() / 4);
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        config.inputTopic());
    topology.addProcessor(CLASSIFY, () -> new ClassifyProcessor(batchers, metrics, tickMs), SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), PendingRecord.serde())
            .withLoggingEnabled(Map.of())
            .withCachingEnabled(),
        CLASSIFY);
    topology.addSink(
        PREDICTIONS_SINK,
        config.outputTopic(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        CLASSIFY);
    topology.addSink(
        DEAD_LETTER_SINK,
        config.dlqTopic(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        CLASSIFY);
    return topology;
  }
}
