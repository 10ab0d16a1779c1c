package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stop and restart the broker twice under load. The stream-app and the producer must recover by
 * themselves, and under exactly-once nothing may be lost or duplicated.
 */
@Timeout(600)
class BrokerRestartIT {

  private static final int RECORDS = 30_000;
  private static final int RATE = 1_000;

  @Test
  void streamAppAndProducerRideOutBrokerRestarts() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "broker-restart-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, true, Map.of())) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "restart", 4);
      try (StreamAppProcess app = StreamAppProcess.start(env, "broker-restart").awaitReady()) {
        var load = FaultFixture.load(env, RECORDS, RATE);
        long unreachableBefore =
            FaultFixture.countLines(app.log(), FaultFixture.BROKER_UNREACHABLE);
        long start = System.nanoTime();
        for (int restart = 1; restart <= 2; restart++) {
          Thread.sleep(8_000);
          long down = System.nanoTime();
          kafka.restart(Duration.ofSeconds(3));
          System.out.printf(
              "broker restart %d at %.1f s, back after %.1f s%n",
              restart, (down - start) / 1e9, (System.nanoTime() - down) / 1e9);
        }
        RunReport report = load.get(10, TimeUnit.MINUTES);
        long unreachable =
            FaultFixture.countLines(app.log(), FaultFixture.BROKER_UNREACHABLE) - unreachableBefore;
        Verification v = report.verification();
        FaultFixture.record(
            "broker restart",
            "%,d records at %,d/s, 2 broker restarts (3 s down each): %,d send errors, %,d predicted, %,d missing, %,d duplicated; latency p99 %.0f ms, max %.0f ms; stream-app never restarted: %s",
            report.sent().acknowledged(),
            RATE,
            report.sent().errors(),
            v.predictions(),
            v.missing(),
            v.duplicated(),
            v.latency().p99Ms(),
            v.latency().maxMs(),
            app.isAlive());
        assertThat(unreachable)
            .as("failed connections to the broker while it was down, see %s", app.log())
            .isPositive();
        assertThat(app.isAlive())
            .as("the stream-app recovered by itself, see %s", app.log())
            .isTrue();
        assertThat(report.sent().errors()).as("producer send errors").isZero();
        assertThat(v.missing()).as("lost").isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.predictions()).isEqualTo(RECORDS);
      }
    }
  }
}
