package dev.digitstream.benchmarks;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The producer's own limits: the highest rate the tool sustains against a local broker, and how
 * closely the achieved rate tracks the requested one. The producer runs as its own process ({@code
 * producer/target/producer.jar}), the broker in this JVM. Results go to stdout.
 *
 * <p>System properties: {@code benchmark.records} (the as-fast-as-possible run, default 1,000,000),
 * {@code benchmark.seconds} (each paced run, default 15), {@code benchmark.rates} (default
 * 1000,5000,20000).
 */
public final class ProducerBenchmark {

  private static final long MAX_RATE_RECORDS = Long.getLong("benchmark.records", 1_000_000);
  private static final int SECONDS_PER_RATE = Integer.getInteger("benchmark.seconds", 15);
  private static final String RATES = System.getProperty("benchmark.rates", "1000,5000,20000");

  private ProducerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Bench.init();
    Bench.Report report = new Bench.Report();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("bench", 12);
      RunReport max = run(kafka, "--rate", "0", "--count", Long.toString(MAX_RATE_RECORDS));
      report.print(
          "as fast as possible: %,d records of 784 B in %.1f s = %,.0f records/s (%.0f MB/s)",
          max.sent().acknowledged(),
          max.sent().seconds(),
          max.sent().recordsPerSecond(),
          max.sent().recordsPerSecond() * 784 / 1e6);
      for (String r : RATES.split(",")) {
        int rate = Integer.parseInt(r.trim());
        RunReport paced =
            run(kafka, "--rate", Integer.toString(rate), "--duration", SECONDS_PER_RATE + "s");
        report.print(
            "requested %,6d/s: achieved %,9.1f/s (%.2f %% of requested), %,d records in %.2f s",
            rate,
            paced.sent().recordsPerSecond(),
            100 * paced.sent().recordsPerSecond() / rate,
            paced.sent().records(),
            paced.sent().seconds());
      }
    }
  }

  private static RunReport run(EmbeddedKafka kafka, String... options) throws Exception {
    Path jar = TestData.projectRoot().resolve(Path.of("producer", "target", "producer.jar"));
    Bench.check(Files.isRegularFile(jar), "no %s: build it first (./mvnw package)", jar);
    Path report =
        Files.createTempFile(Files.createDirectories(Path.of("target")), "producer-bench", ".json");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
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
    // Its own output goes to a log: stdout is this tool's result lines only.
    Path log = Files.createDirectories(Path.of("target", "benchmark-logs")).resolve("producer.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    int exit = process.waitFor();
    Bench.check(
        exit == 0,
        "the producer (%s) exited with %d; see %s",
        String.join(" ", options),
        exit,
        log.toAbsolutePath());
    try {
      return RunReport.fromJson(Files.readString(report));
    } finally {
      Files.delete(report);
    }
  }
}
