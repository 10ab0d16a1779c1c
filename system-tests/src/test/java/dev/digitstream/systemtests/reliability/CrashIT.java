package dev.digitstream.systemtests.reliability;

import static dev.digitstream.testsupport.StreamAppProcess.KILLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL the stream-app at random moments (mid-batch, mid-commit, wherever it is) during a
 * labelled run of 50,000 records; after each restart it resumes. Every input must end with exactly
 * one committed prediction; with review on, in exactly one of the predictions and review topics,
 * for a mixed stream (MNIST test digits, rendered letters and noise).
 */
@Timeout(600)
class CrashIT {

  private static final int RECORDS = 50_000;
  private static final int RATE = 2_000;
  private static final int KILLS = 6;

  /** Digits with 10 % that are not digits at all, all of which should go to review. */
  private static final String MIX = "test:0.9,letters:0.05,noise:0.05";

  @ParameterizedTest(name = "review {0}")
  @ValueSource(booleans = {false, true})
  void everyRecordEndsInExactlyOneTopicAfterRepeatedSigkills(boolean review) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> env =
          review
              ? FaultFixture.appEnvWithReview(kafka, "crash-review", 6)
              : FaultFixture.appEnv(kafka, "crash", 6);
      Random random = new Random(20261126);
      StreamAppProcess app = StreamAppProcess.start(env, "crash-0").awaitReady();
      var load =
          review
              ? FaultFixture.load(
                  env,
                  new AtomicBoolean(),
                  "--count",
                  Integer.toString(RECORDS),
                  "--rate",
                  Integer.toString(RATE),
                  "--mix",
                  MIX)
              : FaultFixture.load(env, RECORDS, RATE);
      long pendingAtKills = 0;
      int killsWithPending = 0;
      long start = System.nanoTime();
      for (int kill = 1; kill <= KILLS; kill++) {
        Thread.sleep(500 + random.nextInt(3_500));
        String scrape = app.scrape();
        long pending = (long) PrometheusScrape.sum(scrape, "digitstream_batch_pending");
        pendingAtKills += pending;
        killsWithPending += pending > 0 ? 1 : 0;
        int killedExit = app.kill();
        assertThat(killedExit).as("exit code after SIGKILL, see %s", app.log()).isEqualTo(KILLED);
        System.out.printf(
            "kill %d at %.1f s, %d image(s) pending in batches%n",
            kill, (System.nanoTime() - start) / 1e9, pending);
        app = StreamAppProcess.start(env, "crash-" + kill).awaitReady();
      }
      RunReport report = load.get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      int exit = app.stop();

      Verification v = report.verification();
      FaultFixture.record(
          review ? "crash with review (" + MIX + ")" : "crash",
          "%,d records at %,d/s, %d SIGKILLs (%d of them with images pending in batches, %d images in all): %,d predicted, %,d to review, %,d missing, %,d duplicated, %,d unexpected; accuracy %.4f; all accounted for %.0f s after the start; exit %d after the last SIGTERM",
          report.sent().acknowledged(),
          RATE,
          KILLS,
          killsWithPending,
          pendingAtKills,
          v.predictions(),
          v.reviewed(),
          v.missing(),
          v.duplicated(),
          v.unexpected(),
          v.accuracy(),
          seconds,
          exit);
      assertThat(report.sent().acknowledged()).isEqualTo(RECORDS);
      assertThat(v.missing()).as("lost").isZero();
      assertThat(v.duplicated()).as("duplicated").isZero();
      assertThat(v.unexpected()).isZero();
      assertThat(v.predictions() + v.reviewed()).isEqualTo(RECORDS);
      if (review) {
        // the fault really met routing: a good share of records went to review
        assertThat(v.reviewed()).as("records sent to review").isGreaterThan(RECORDS / 20);
      } else {
        assertThat(v.reviewed()).isZero();
      }
      assertThat(killsWithPending).as("kills that hit a partially filled batch").isPositive();
      assertThat(exit).isZero();
    }
  }
}
