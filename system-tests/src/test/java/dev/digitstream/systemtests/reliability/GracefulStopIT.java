package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.digitstream.common.kafka.KafkaClientEnv;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM one of two stream-app instances under load, with Kafka's default session timeout (45 s):
 * the stopped instance drains, leaves the group on close, and the other one owns all the input
 * partitions within seconds, not after the session timeout. Nothing may be lost or duplicated.
 */
@Timeout(600)
class GracefulStopIT {

  private static final int RECORDS = 20_000;
  private static final int RATE = 1_000;
  private static final int PARTITIONS = 6;
  private static final double MAX_TAKEOVER_SECONDS = 5;
  private static final String STOPPED = "stopped";
  private static final String STAYING = "staying";

  @Test
  void stoppedInstanceHandsItsPartitionsOverAtOnceWithoutLossOrDuplicates() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Admin admin = Admin.create(kafka.clientProperties())) {
      Map<String, String> env = FaultFixture.appEnv(kafka, "graceful", PARTITIONS);
      // Kafka's default (45 s) is what a member that does not leave the group would cost
      env.remove(KafkaClientEnv.variable(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
      Group group =
          new Group(
              admin, env.get(StreamAppConfig.APPLICATION_ID), env.get(StreamAppConfig.INPUT_TOPIC));
      try (StreamAppProcess stopped =
              StreamAppProcess.start(instance(env, STOPPED), "graceful-stopped");
          StreamAppProcess staying =
              StreamAppProcess.start(instance(env, STAYING), "graceful-staying")) {
        stopped.awaitReady();
        staying.awaitReady();
        await("both instances owning input partitions")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                group::ownership,
                o ->
                    o.stable()
                        && !o.partitions(STOPPED).isEmpty()
                        && !o.partitions(STAYING).isEmpty()
                        && o.partitions(STOPPED).size() + o.partitions(STAYING).size()
                            == PARTITIONS);

        // given a verified load run, 5 s in, with both instances predicting
        long loadStarted = System.nanoTime();
        var load = FaultFixture.load(env, RECORDS, RATE);
        await("predictions from the instance to stop, 5 s into the load")
            .pollDelay(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> predictions(stopped) > 0 && predictions(staying) > 0);
        Ownership before =
            await("a stable group before the stop")
                .atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(group::ownership, Ownership::stable);
        double predictedBeforeStop = predictions(stopped);
        assertThat(load).as("load still running at the stop").isNotDone();

        // when one instance gets SIGTERM
        long stopAsked = System.nanoTime();
        int exit = stopped.stop();
        long exited = System.nanoTime();

        // then the other one owns every input partition within seconds of the exit
        Ownership after =
            await("the staying instance to own all input partitions")
                .atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(
                    group::ownership,
                    o -> o.stable() && o.partitions(STAYING).size() == PARTITIONS);
        double takeover = (System.nanoTime() - exited) / 1e9;

        RunReport report = load.get(10, TimeUnit.MINUTES);
        Verification v = report.verification();
        FaultFixture.record(
            "graceful-stop",
            "%,d records at %,d/s over %d partitions, session timeout 45 s; SIGTERM %.1f s into the load to one of two instances (owning partitions %s, %,.0f predicted): exit %d %.1f s later; all partitions on the other instance %.2f s after the exit; %,d predicted, %,d missing, %,d duplicated, %,d unexpected, %,d send errors",
            report.sent().acknowledged(),
            RATE,
            PARTITIONS,
            (stopAsked - loadStarted) / 1e9,
            before.partitions(STOPPED),
            predictedBeforeStop,
            exit,
            (exited - stopAsked) / 1e9,
            takeover,
            v.predictions(),
            v.missing(),
            v.duplicated(),
            v.unexpected(),
            report.sent().errors());
        assertThat(before.partitions(STOPPED))
            .as("partitions of the stopped instance")
            .isNotEmpty();
        assertThat(stopped.isAlive()).isFalse();
        assertThat(after.members(STOPPED)).as("members of the stopped instance after").isZero();
        assertThat(exit).as("exit code after SIGTERM, see %s", stopped.log()).isZero();
        assertThat(takeover)
            .as("seconds from the exit until the other instance owns all partitions")
            .isLessThanOrEqualTo(MAX_TAKEOVER_SECONDS);
        assertThat(report.sent().errors()).as("send errors").isZero();
        assertThat(report.sent().acknowledged()).isEqualTo(RECORDS);
        assertThat(v.missing()).as("lost").isZero();
        assertThat(v.duplicated()).as("duplicated").isZero();
        assertThat(v.unexpected()).isZero();
        assertThat(v.predictions()).isEqualTo(RECORDS);
        assertThat(staying.stop()).as("exit code of the staying instance").isZero();
      }
    }
  }

  /** The app's settings for one instance: its own state folder and client id. */
  private static Map<String, String> instance(Map<String, String> env, String name) {
    Map<String, String> own = new HashMap<>(env);
    own.put(
        StreamAppConfig.STATE_DIR, Path.of(env.get(StreamAppConfig.STATE_DIR), name).toString());
    // Kafka Streams prefixes its clients' ids with client.id: that tells the members apart
    own.put(
        KafkaClientEnv.variable(CommonClientConfigs.CLIENT_ID_CONFIG),
        env.get(StreamAppConfig.APPLICATION_ID) + "-" + name);
    return own;
  }

  private static double predictions(StreamAppProcess app) throws Exception {
    return PrometheusScrape.sum(app.scrape(), "digitstream_predictions_out_total");
  }

  /**
   * The consumer group at one moment, per instance: its members and the input partitions they own
   * (the broker shows assignments only while the group is stable).
   */
  private record Ownership(
      boolean stable, Map<String, Integer> members, Map<String, Set<Integer>> owned) {

    int members(String instance) {
      return members.getOrDefault(instance, 0);
    }

    Set<Integer> partitions(String instance) {
      return owned.getOrDefault(instance, Set.of());
    }
  }

  /** The application's consumer group (its id is the application id). */
  private record Group(Admin admin, String id, String inputTopic) {

    Ownership ownership() throws Exception {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(Set.of(id))
              .describedGroups()
              .get(id)
              .get(10, TimeUnit.SECONDS);
      Map<String, Integer> members = new HashMap<>();
      Map<String, Set<Integer>> owned = new HashMap<>();
      for (MemberDescription member : group.members()) {
        String instance =
            Stream.of(STOPPED, STAYING)
                .filter(name -> member.clientId().startsWith(id + "-" + name + "-"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("unknown member " + member.clientId()));
        members.merge(instance, 1, Integer::sum);
        for (TopicPartition partition : member.assignment().topicPartitions()) {
          if (partition.topic().equals(inputTopic)) {
            owned.computeIfAbsent(instance, i -> new TreeSet<>()).add(partition.partition());
          }
        }
      }
      return new Ownership(group.groupState() == GroupState.STABLE, members, owned);
    }
  }
}
