package dev.digitstream.producer.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class PublisherTest {

  @Test
  void shouldExpectOnlyTheRecordsTheBrokerAcknowledged() {
    // given a broker that fails the send of record 3
    byte[] failing = Publisher.key("run", 3);
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (Arrays.equals(record.key(), failing)) {
              TimeoutException error = new TimeoutException("expired before acknowledgement");
              callback.onCompletion(null, error);
              return CompletableFuture.failedFuture(error);
            }
            return super.send(record, callback);
          }
        };
    var images = new LabelledImages(new byte[4 * ImageRecord.SIZE], new byte[] {1, 2, 3, 4});
    var plan = new Publisher.Plan("in", "run", 10, null, 0, Malformation.Plan.of(0.2));
    Publisher publisher = new Publisher(producer, images, plan, new Pacer(0, Clock.SYSTEM));

    // when
    long sent = publisher.run(() -> false);

    // then
    SendStats stats = publisher.stats();
    BitSet expected = new BitSet();
    expected.set(0, 10);
    expected.clear(3);
    assertThat(sent).isEqualTo(10);
    assertThat(stats.acknowledgedRecords()).isEqualTo(expected);
    assertThat(stats.acknowledged()).isEqualTo(9);
    assertThat(stats.malformedAcknowledged()).isEqualTo(2);
    assertThat(stats.errors()).isEqualTo(1);
    assertThat(stats.firstError()).contains("expired before acknowledgement");
  }
}
