package dev.digitstream.streamapp.config;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The record's own timestamp, or the wall clock when it has none (negative, as a raw protocol
 * client can send). Kafka Streams' default extractor stops the stream thread on such a record, and
 * the skipping one drops it; here it is classified like any other, its prediction stamped with the
 * time it was read.
 */
public final class WallClockIfInvalidTimestamp implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long timestamp = record.timestamp();
    return timestamp >= 0 ? timestamp : System.currentTimeMillis();
  }
}
