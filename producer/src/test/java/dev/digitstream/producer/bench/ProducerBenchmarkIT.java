package dev.digitstream.producer.bench;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The producer's own limits (not a test: it asserts nothing and runs only with {@code
 * -Dbenchmark=true}): the highest rate the tool sustains against a local broker, and how closely
 * the achieved rate tracks the requested one. The producer runs as its own process ({@code
 * producer.jar}), the broker in this JVM. Results go to stdout and
 * target/producer-benchmark-results.txt.
 */
class ProducerBenchmarkIT {

  private static final long MAX_RATE_RECORDS = Long.getLong("benchmark.records", 1_000_000);
  private static final int SECONDS_PER_RATE = Integer.getInteger("benchmark.seconds", 15);

  @Test
  void benchmark() throws Exception {
    assumeThat(Boolean.getBoolean("benchmark")).as("run with -Dbenchmark=true").isTrue();
    List<String> lines = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("bench", 12);
      RunReport max = run(kafka, "--rate", "0", "--count", Long.toString(MAX_RATE_RECORDS));
      lines.add(
          String.format(
              Locale.ROOT,
              "as fast as possible: %,d records of 784 B in %.1f s = %,.0f records/s (%.0f MB/s)",
              max.sent().acknowledged(),
              max.sent().seconds(),
              max.sent().recordsPerSecond(),
              max.sent().recordsPerSecond() * 784 / 1e6));
      for (int rate : new int[] {1_000, 5_000, 20_000}) {
        RunReport paced =
            run(kafka, "--rate", Integer.toString(rate), "--duration", SECONDS_PER_RATE + "s");
        lines.add(
            String.format(
                Locale.ROOT,
                "requested %,6d/s: achieved %,9.1f/s (%.2f %% of requested), %,d records in %.2f s",
                rate,
                paced.sent().recordsPerSecond(),
                100 * paced.sent().recordsPerSecond() / rate,
                paced.sent().records(),
                paced.sent().seconds()));
      }
    }
    lines.forEach(System.out::println);
    Files.write(Path.of("target", "producer-benchmark-results.txt"), lines);
  }

  private static RunReport run(EmbeddedKafka kafka, String... options) throws Exception {
    Path report = Files.createTempFile(Path.of("target"), "producer-bench", ".json");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            Path.of("target", "producer.jar").toString(),
            "-b",
            kafka.bootstrapServers(),
            "-t",
            "bench",
            "--data-dir",
            TestData.mnistDir().toString(),
            "--partitioning",
            "spread",
            "--report",
            report.toString()));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("producer exited with " + process.exitValue());
    }
    try {
      return RunReport.fromJson(Files.readString(report));
    } finally {
      Files.delete(report);
    }
  }
}
