package dev.digitstream.streamapp.topology;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.InvalidReason;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.FlushReason;
import dev.digitstream.streamapp.batching.PredictionSink;
import dev.digitstream.streamapp.batching.ThreadBatcher;
import dev.digitstream.streamapp.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One per stream task. Invalid records go straight to the dead-letter topic. A valid record is
 * first written to the task's changelogged pending store, then added to its thread's shared batch;
 * its prediction is emitted and its store entry deleted together, from this task's own context.
 *
 * <p>Why this is crash-safe: Kafka Streams commits a task's input offsets together with its store
 * changelog (atomically under exactly-once, changelog first under at-least-once). A record whose
 * offset is committed is therefore either already predicted or still in the store, and a restarted
 * instance restores the store and classifies what it finds there. Nothing waits only in memory.
 */
final class ClassifyProcessor implements Processor<byte[], byte[], byte[], byte[]>, PredictionSink {

  private final Batchers batchers;
  private final PipelineMetrics metrics;
  private final long tickMs;
  private final ArrayDeque<KeyValue<Long, Prediction>> ready = new ArrayDeque<>();
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<Long, PendingRecord> store;
  private ThreadBatcher batcher;
  private long nextSequence;

  ClassifyProcessor(Batchers batchers, PipelineMetrics metrics, long tickMs) {
    this.batchers = batchers;
    this.metrics = metrics;
    this.tickMs = tickMs;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(TopologyFactory.PENDING_STORE);
    context.schedule(Duration.ofMillis(tickMs), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    joinBatcher();
    metrics.flow().recordIn();
    Header label = record.headers().lastHeader(HeaderNames.LABEL);
    byte[] labelValue = label == null ? null : label.value() == null ? new byte[0] : label.value();
    Optional<InvalidReason> invalid = ImageRecord.check(record.value(), labelValue);
    if (invalid.isPresent()) {
      deadLetter(record, invalid.get());
      return;
    }
    long sequence = nextSequence++;
    store.put(
        sequence,
        new PendingRecord(record.key(), record.value(), record.headers(), record.timestamp()));
    batcher.add(this, sequence, record.value());
    emitReady();
  }

  private void tick(long timestamp) {
    joinBatcher();
    if (batchers.draining()) {
      batcher.flush(FlushReason.SHUTDOWN);
    } else {
      batcher.flushIfDue();
    }
    emitReady();
  }

  /**
   * On first use after (re)start, takes this thread's batcher and re-queues whatever the restored
   * store still holds: records whose offsets were committed before their predictions were.
   */
  private void joinBatcher() {
    if (batcher != null) {
      return;
    }
    batcher = batchers.forCurrentThread();
    try (KeyValueIterator<Long, PendingRecord> pending = store.all()) {
      while (pending.hasNext()) {
        KeyValue<Long, PendingRecord> entry = pending.next();
        nextSequence = Math.max(nextSequence, entry.key + 1);
        batcher.add(this, entry.key, entry.value.value());
      }
    }
  }

  @Override
  public void accept(long sequence, Prediction prediction) {
    ready.add(KeyValue.pair(sequence, prediction));
  }

  private void emitReady() {
    if (ready.isEmpty()) {
      return;
    }
    long now = batchers.nowMs();
    KeyValue<Long, Prediction> done;
    while ((done = ready.poll()) != null) {
      PendingRecord pending = store.get(done.key);
      if (pending == null) {
        throw new IllegalStateException("no pending record for sequence " + done.key);
      }
      Prediction prediction = done.value;
      context.forward(
          new Record<>(
              pending.key(),
              PredictionCodec.encode(prediction),
              pending.timestamp(),
              pending.headers()),
          TopologyFactory.PREDICTIONS_SINK);
      store.delete(done.key);
      metrics.flow().predictionOut(now - pending.timestamp());
      metrics
          .accuracy()
          .prediction(prediction.label(), prediction.confidence(), labelOf(pending.headers()));
    }
  }

  private static int labelOf(Headers headers) {
    Header label = headers.lastHeader(HeaderNames.LABEL);
    return label == null ? -1 : ImageRecord.parseLabel(label.value());
  }

  private void deadLetter(Record<byte[], byte[]> record, InvalidReason reason) {
    Headers headers = record.headers();
    headers.add(HeaderNames.DLQ_REASON, ascii(reason.code()));
    headers.add(HeaderNames.DLQ_DETAIL, ascii(detail(record, reason)));
    Optional<RecordMetadata> source = context.recordMetadata();
    if (source.isPresent()) {
      headers.add(HeaderNames.DLQ_SOURCE_TOPIC, ascii(source.get().topic()));
      headers.add(
          HeaderNames.DLQ_SOURCE_PARTITION, ascii(Integer.toString(source.get().partition())));
      headers.add(HeaderNames.DLQ_SOURCE_OFFSET, ascii(Long.toString(source.get().offset())));
    }
    context.forward(record.withHeaders(headers), TopologyFactory.DEAD_LETTER_SINK);
    metrics.flow().deadLettered(reason);
  }

  private static String detail(Record<byte[], byte[]> record, InvalidReason reason) {
    return reason == InvalidReason.WRONG_LENGTH
        ? reason.description() + " (got " + record.value().length + ")"
        : reason.description();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (batcher != null) {
      batcher.forget(this);
    }
    ready.clear();
  }
}
