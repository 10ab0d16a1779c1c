package dev.digitstream.streamapp.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.batching.BatchTiming;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.ModelGeneration;
import dev.digitstream.streamapp.metrics.AppMetrics;
import dev.digitstream.streamapp.metrics.FlowMetrics;
import dev.digitstream.streamapp.review.ReviewPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's life cycle as Kafka Streams drives it beyond what the test driver can show: what
 * it stores at a commit and at a close, the same instance closed and initialised again (a revived
 * task) over a store that kept its entries, and an unexpected failure inside one record's
 * processing.
 */
class ClassifyProcessorTest {

  private static final int MAX_BATCH = 4;
  private static final long MAX_DELAY_MS = 40;

  private static LoadedModel model;
  private static LabelledImages images;

  private final AtomicLong clockMs = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private MockProcessorContext<byte[], byte[]> context;
  private KeyValueStore<Long, PendingRecord> store;
  private CommitCounter commits;
  private Batchers batchers;
  private ClassifyProcessor processor;

  @BeforeAll
  static void loadModel() throws IOException {
    Nd4jRuntime.configure(1);
    model = TestModels.untrained(3);
    images = TestData.mnist().test().head(10);
  }

  private void start(Serde<PendingRecord> serde) {
    start(serde, false);
  }

  private void start(Serde<PendingRecord> serde, boolean atLeastOnce) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    context = new MockProcessorContext<>(props);
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologyFactory.PENDING_STORE), Serdes.Long(), serde)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    var decisions =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TopologyFactory.DECISION_STORE),
                Serdes.Integer(),
                Serdes.Long())
            .withLoggingDisabled()
            .build();
    decisions.init(context.getStateStoreContext(), decisions);
    context.addStateStore(decisions);
    commits = CommitCounter.builder(TopologyFactory.COMMIT_COUNTER).build();
    commits.init(context.getStateStoreContext(), commits);
    context.addStateStore(commits);
    AppMetrics metrics = AppMetrics.bind(registry, MAX_BATCH, 3, model.metadata(), 0);
    batchers =
        new Batchers(
            new ModelGeneration(
                model.metadata(), List.of(), () -> new BatchClassifier(model, MAX_BATCH)),
            0,
            new BatchTiming(MAX_DELAY_MS, 0),
            metrics.batches(),
            ReviewPolicy.OFF,
            metrics.review().drift(),
            clockMs::get,
            clockMs::get);
    processor =
        new ClassifyProcessor(
            batchers, metrics, MAX_DELAY_MS / 4, atLeastOnce, RecordSizeLimit.KAFKA_DEFAULT);
    processor.init(context);
  }

  private Record<byte[], byte[]> image(int i) {
    return new Record<>(
        ("img-" + i).getBytes(StandardCharsets.UTF_8),
        images.image(i),
        1_000L + i,
        new RecordHeaders());
  }

  /** Lets the delay pass and runs the processor's live punctuations, as a stream thread would. */
  private void passDelay() {
    clockMs.addAndGet(MAX_DELAY_MS);
    for (CapturedPunctuator p : context.scheduledPunctuators()) {
      if (!p.cancelled()) {
        p.getPunctuator().punctuate(clockMs.get());
      }
    }
  }

  private long livePunctuations() {
    return context.scheduledPunctuators().stream().filter(p -> !p.cancelled()).count();
  }

  private List<String> predictedKeys() {
    return context.forwarded().stream()
        .filter(f -> f.childName().orElseThrow().equals(TopologyFactory.PREDICTIONS_SINK))
        .map(f -> new String(f.record().key(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void shouldPredictTheRestoredRecordsWhenARevivedTaskInitialisesTheSameInstanceAgain() {
    start(PendingRecord.serde());
    processor.process(image(0));
    processor.process(image(1));
    assertThat(store.approximateNumEntries()).as("no commit yet").isZero();

    processor.close(); // Kafka Streams revives the task: close, then init on the same instance
    assertThat(store.approximateNumEntries()).as("stored by the close").isEqualTo(2);
    processor.init(context);
    assertThat(context.scheduledPunctuators())
        .as("the first punctuation is cancelled, the second lives")
        .extracting(CapturedPunctuator::cancelled)
        .containsExactly(true, false);
    passDelay(); // the first punctuation re-queues the restored records into a new batch
    passDelay(); // which runs when its delay has passed

    assertThat(predictedKeys()).containsExactly("img-0", "img-1");
    assertThat(store.approximateNumEntries()).isZero();
    assertThat(registry.get(FlowMetrics.PENDING_RESTORED).counter().count()).isEqualTo(2);
    assertThat(batchers.stored().get()).isZero();
    assertThat(batchers.unsettled().get()).isZero();
  }

  @Test
  void shouldStoreWhatAwaitsItsPredictionAtACommitAndNothingPredictedBetweenCommits() {
    AtomicLong writes = new AtomicLong();
    start(
        Serdes.serdeFrom(
            (Serializer<PendingRecord>)
                (topic, r) -> {
                  writes.incrementAndGet();
                  return PendingRecord.serde().serializer().serialize(topic, r);
                },
            PendingRecord.serde().deserializer()));
    processor.process(image(0));
    processor.process(image(1));
    assertThat(store.approximateNumEntries()).as("no commit yet").isZero();

    commits.flushCache(); // how a commit starts
    assertThat(store.all())
        .toIterable()
        .extracting(kv -> kv.value.key())
        .as("stored before the offsets are committed")
        .containsExactly(
            "img-0".getBytes(StandardCharsets.UTF_8), "img-1".getBytes(StandardCharsets.UTF_8));
    commits.flushCache();
    assertThat(writes).as("each stored once").hasValue(2);

    processor.process(image(2));
    processor.process(image(3)); // the batch is full: all four are predicted
    assertThat(predictedKeys()).containsExactly("img-0", "img-1", "img-2", "img-3");
    assertThat(store.approximateNumEntries()).as("the stored entries deleted").isZero();
    assertThat(writes).as("the two predicted between commits never stored").hasValue(2);
    assertThat(batchers.stored().get()).isZero();
    assertThat(batchers.unsettled().get()).isZero();

    processor.close();
    assertThat(store.approximateNumEntries()).as("nothing awaits a prediction").isZero();
  }

  /**
   * Kafka Streams commits a task after each of its punctuations: the task punctuates only while it
   * has work, here under at-least-once, where an emitted record's store entry waits for a commit.
   */
  @Test
  void shouldPunctuateOnlyWhileTheTaskHasWork() {
    start(PendingRecord.serde(), true);
    passDelay(); // the first tick after init: nothing restored, nothing to do
    assertThat(livePunctuations()).as("idle after the first tick").isZero();

    processor.process(image(0));
    assertThat(livePunctuations()).as("a record in flight").isEqualTo(1);
    commits.flushCache(); // a commit stores it
    passDelay();
    assertThat(predictedKeys()).containsExactly("img-0");
    assertThat(livePunctuations()).as("its store entry awaits a commit").isEqualTo(1);
    commits.flushCache();
    passDelay();
    assertThat(store.approximateNumEntries()).as("deleted after the commit").isZero();
    assertThat(livePunctuations()).as("idle again").isZero();

    processor.process(image(1));
    passDelay();
    assertThat(predictedKeys()).containsExactly("img-0", "img-1");
    assertThat(livePunctuations()).isZero();
    assertThat(batchers.unsettled().get()).isZero();
  }

  @Test
  void shouldDeadLetterARecordWhoseProcessingFailsAndGoOn() {
    start(PendingRecord.serde());
    Record<byte[], byte[]> poisoned = image(0);
    poisoned.headers().add(new FailsOnce("poison"));

    processor.process(poisoned);
    processor.process(image(1));
    passDelay();

    var dead =
        context.forwarded().stream()
            .filter(f -> f.childName().orElseThrow().equals(TopologyFactory.DEAD_LETTER_SINK))
            .toList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0).record(), HeaderNames.DLQ_REASON)).isEqualTo("processing-error");
    assertThat(header(dead.get(0).record(), HeaderNames.DLQ_DETAIL))
        .isEqualTo("java.lang.IllegalStateException: cannot read this one");
    assertThat(predictedKeys()).containsExactly("img-1");
  }

  @Test
  void shouldHoldPredictionsOfAnEarlierDecisionThanThePartitionHasSeenUntilThisReplicaFollows() {
    start(PendingRecord.serde());
    ModelGeneration model = batchers.generation();
    batchers.serve(model, 2); // decision 2: this partition's predictions are computed by it
    processor.process(image(0));
    passDelay();
    assertThat(predictedKeys()).containsExactly("img-0");

    // the task moved to a replica that still serves decision 1 (it has not followed 2 yet)
    batchers.serve(model, 1);
    processor.process(image(1));
    passDelay();
    passDelay();
    assertThat(predictedKeys()).as("held, not emitted by the earlier decision").hasSize(1);
    assertThat(store.approximateNumEntries()).as("still pending").isEqualTo(1);

    batchers.serve(model, 2); // it follows: the held record is classified again, and goes out
    passDelay();
    passDelay();
    assertThat(predictedKeys()).containsExactly("img-0", "img-1");
    assertThat(store.approximateNumEntries()).isZero();
    assertThat(batchers.unsettled().get()).isZero();
  }

  @Test
  void shouldStopHoldingWhenThisReplicaCannotFollowTheDecisionWithinTheLimit() {
    start(PendingRecord.serde());
    ModelGeneration model = batchers.generation();
    batchers.serve(model, 3);
    processor.process(image(0));
    passDelay();
    batchers.serve(model, 2); // say it refused decision 3's version
    processor.process(image(1));
    passDelay();
    assertThat(predictedKeys()).hasSize(1);

    clockMs.addAndGet(ClassifyProcessor.HOLD_LIMIT_MS);
    passDelay();
    passDelay();
    assertThat(predictedKeys())
        .as("serving on rather than stalling")
        .containsExactly("img-0", "img-1");
  }

  /** A header whose value cannot be read the first time: an unexpected failure in processing. */
  private static final class FailsOnce implements Header {
    private final String key;
    private boolean failed;

    FailsOnce(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public byte[] value() {
      if (!failed) {
        failed = true;
        throw new IllegalStateException("cannot read this one");
      }
      return new byte[0];
    }
  }

  private static String header(Record<? extends byte[], ? extends byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
