package dev.digitstream.producer.send;

import dev.digitstream.contract.HeaderNames;
import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a run: record {@code n} is image {@code n mod count} of the source, keyed {@code <run
 * id>-<n>}, with its {@code label} header when the label is known and the {@code send.time.us}
 * header holding its due time (also its Kafka timestamp, in milliseconds).
 */
public final class Publisher {

  /**
   * What to send.
   *
   * @param count records to send; negative for no limit (until {@code duration} or a stop)
   * @param duration how long to send; null for no limit
   * @param partitions when positive, records are spread round-robin over this many partitions;
   *     otherwise the key chooses the partition
   */
  public record Plan(
      String topic,
      String runId,
      long count,
      Duration duration,
      int partitions,
      Malformation.Plan malformed) {}

  private final Producer<byte[], byte[]> producer;
  private final LabelledImages images;
  private final Plan plan;
  private final Pacer pacer;
  private final SendStats stats = new SendStats();

  public Publisher(
      Producer<byte[], byte[]> producer, LabelledImages images, Plan plan, Pacer pacer) {
    if (images.count() == 0) {
      throw new IllegalArgumentException("the source holds no images");
    }
    this.producer = producer;
    this.images = images;
    this.plan = plan;
    this.pacer = pacer;
  }

  public SendStats stats() {
    return stats;
  }

  /** The key of record {@code n} of run {@code runId}. */
  public static byte[] key(String runId, long n) {
    return (runId + "-" + n).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends until the count or duration is reached or {@code stop} says so, then flushes: when it
   * returns, every send's callback has run and {@link SendStats#acknowledgedRecords()} is final.
   *
   * @return the number of records sent
   */
  public long run(BooleanSupplier stop) {
    long limitNanos = plan.duration() == null ? Long.MAX_VALUE : plan.duration().toNanos();
    long limit = plan.count() < 0 ? Long.MAX_VALUE : plan.count();
    pacer.start();
    long n = 0;
    while (n < limit && !stop.getAsBoolean()) {
      long sendTime = pacer.awaitDue(n);
      if (pacer.elapsedNanos() >= limitNanos) {
        break;
      }
      send(n, sendTime);
      n++;
    }
    producer.flush();
    return n;
  }

  private void send(long n, long sendTimeMicros) {
    int index = (int) (n % images.count());
    Malformation malformation = plan.malformed().kindOf(n);
    byte[] value =
        malformation == Malformation.EMPTY
            ? new byte[0]
            : malformation == Malformation.WRONG_LENGTH ? wrongLength(n) : images.image(index);
    var record =
        new ProducerRecord<>(
            plan.topic(),
            plan.partitions() > 0 ? (int) (n % plan.partitions()) : null,
            sendTimeMicros / 1_000,
            key(plan.runId(), n),
            value);
    int label = images.label(index);
    if (malformation == Malformation.BAD_LABEL) {
      record.headers().add(HeaderNames.LABEL, "x".getBytes(StandardCharsets.US_ASCII));
    } else if (label >= 0) {
      record.headers().add(HeaderNames.LABEL, ImageRecord.labelHeader(label));
    }
    record
        .headers()
        .add(
            HeaderNames.SEND_TIME,
            Long.toString(sendTimeMicros).getBytes(StandardCharsets.US_ASCII));
    stats.sent.increment();
    if (malformation != null) {
      stats.malformedSent.increment();
    }
    producer.send(
        record,
        (metadata, error) -> {
          if (error != null) {
            stats.fail(error);
          } else {
            stats.acknowledge(n, malformation != null);
          }
        });
  }

  /** A value of a length other than 784, the same for the same record number. */
  private static byte[] wrongLength(long n) {
    SplittableRandom random = new SplittableRandom(n);
    int length = 1 + random.nextInt(4096);
    byte[] value = new byte[length == ImageRecord.SIZE ? length + 1 : length];
    random.nextBytes(value);
    return value;
  }
}
