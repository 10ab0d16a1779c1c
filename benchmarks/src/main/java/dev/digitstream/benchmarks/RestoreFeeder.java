package dev.digitstream.benchmarks;

import dev.digitstream.common.TestData;
import dev.digitstream.producer.ProducerCli;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;

/**
 * Feeds the restore benchmark: MNIST images in chunks through the producer's own CLI, as fast as it
 * goes, keeping the stream-app's backlog bounded (well inside the input topic's retention).
 */
final class RestoreFeeder {

  private static final long MAX_BACKLOG = 300_000;
  private static final int CHUNK = 100_000;

  private final Admin admin;
  private final Map<String, String> env;
  private final long total;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile long sent;
  private volatile boolean stop;
  private volatile boolean done;
  private Thread thread;

  RestoreFeeder(Admin admin, Map<String, String> env, long total) {
    this.admin = admin;
    this.env = env;
    this.total = total;
  }

  /** Input records the stream-app's group has committed, over all input partitions. */
  static long processed(Admin admin, Map<String, String> env) throws Exception {
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
                "spread");
        int exit = ProducerCli.run(args.toArray(String[]::new), Map.of(), () -> stop);
        if (exit != 0) {
          throw new IllegalStateException("the producer exited with " + exit);
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

  /** Throws if the feeder has failed. */
  void check() {
    if (failure.get() != null) {
      throw new IllegalStateException("the feeder failed", failure.get());
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
