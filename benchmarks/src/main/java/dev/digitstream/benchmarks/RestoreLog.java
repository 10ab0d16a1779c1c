package dev.digitstream.benchmarks;

import dev.digitstream.streamapp.topology.TopologyFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What Kafka Streams' log says about a restart's restore, timed from the process start. */
record RestoreLog(long records, int partitions, long startMs, long finishMs) {

  private static final Pattern FINISHED =
      Pattern.compile(
          "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Finished restoring changelog (\\S+) to store "
              + TopologyFactory.PENDING_STORE
              + " with a total number of (\\d+) records");
  private static final Pattern STARTED =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Start restoring changelog partition");

  /** Reads the stream-app's log {@code log} of a process started at {@code processStart}. */
  static RestoreLog read(Path log, Instant processStart) throws IOException {
    LocalTime start = LocalTime.ofInstant(processStart, ZoneId.systemDefault());
    long records = 0;
    int partitions = 0;
    long first = -1;
    long last = -1;
    for (String line : Files.readAllLines(log)) {
      Matcher started = STARTED.matcher(line);
      if (started.find() && first < 0) {
        first = Duration.between(start, LocalTime.parse(started.group(1))).toMillis();
      }
      Matcher finished = FINISHED.matcher(line);
      if (finished.find()) {
        records += Long.parseLong(finished.group(3));
        partitions++;
        last = Duration.between(start, LocalTime.parse(finished.group(1))).toMillis();
      }
    }
    return new RestoreLog(records, partitions, first, last);
  }

  String describe() {
    return partitions == 0
        ? "not in the log"
        : String.format(
            "of %d partitions from %.1f s to %.1f s after the process start (%.2f s)",
            partitions, startMs / 1e3, finishMs / 1e3, (finishMs - startMs) / 1e3);
  }

  /**
   * A logback configuration like the stream-app's, which also logs its restores; the path of the
   * file written, for {@code -Dlogback.configurationFile}.
   */
  static String logbackConfig() throws IOException {
    Path file =
        Files.createDirectories(Path.of("target")).resolve("restore-logback.xml").toAbsolutePath();
    Files.writeString(
        file,
        """
        <configuration>
          <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.kafka" level="WARN"/>
          <logger name="org.apache.kafka.streams.processor.internals.StoreChangelogReader" level="DEBUG"/>
          <logger name="org.apache.kafka.streams.KafkaStreams" level="INFO"/>
          <logger name="org.nd4j" level="WARN"/>
          <logger name="org.deeplearning4j" level="WARN"/>
          <logger name="org.reflections" level="ERROR"/>
          <root level="INFO"><appender-ref ref="STDERR"/></root>
        </configuration>
        """);
    return file.toString();
  }
}
