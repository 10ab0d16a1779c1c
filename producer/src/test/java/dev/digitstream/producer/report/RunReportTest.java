package dev.digitstream.producer.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.digitstream.producer.verify.Latency;
import dev.digitstream.producer.verify.SourceFigures;
import dev.digitstream.producer.verify.Verification;
import dev.digitstream.producer.verify.VersionFigures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  static RunReport sample(long missing) {
    return new RunReport(
        "abc123",
        Instant.parse("2026-11-26T12:00:00Z"),
        "mnist-test (10,000 images)",
        "images",
        1000,
        new RunReport.Sent(10_000, 100, 10_000, 0, null, 0, 10.2, 980.4),
        new Verification(
            9_900 - missing,
            missing,
            0,
            100,
            0,
            LongStream.range(0, Math.min(missing, 3)).mapToObj(n -> "abc123-" + n).toList(),
            0,
            Map.of("bad-label", 33L, "empty-value", 33L, "wrong-length", 34L),
            0,
            975.0,
            new Latency(9_900, 14.2, 12.0, 20.5, 48.1, 90.3, 120.7),
            9_900 - missing,
            9_802 - missing,
            Map.of(
                "3f2a9c0d1e2b4a5f",
                new VersionFigures(9_900 - missing, 9_900 - missing, 9_802 - missing)),
            0,
            Map.of(),
            Map.of()));
  }

  /** A verified run of --mix test:0.95,letters:0.05 against a pipeline with review. */
  static RunReport mixed() {
    Map<String, SourceFigures> bySource = new LinkedHashMap<>();
    bySource.put("test", new SourceFigures(9_500, 9_420, 80));
    bySource.put("letters", new SourceFigures(500, 20, 480));
    return new RunReport(
        "mix1",
        Instant.parse("2026-11-26T12:00:00Z"),
        "mix test 95 % + letters 5 % (10,000-record cycle, seed 1998)",
        "images",
        1000,
        new RunReport.Sent(10_000, 0, 10_000, 0, null, 0, 10.1, 990.1),
        new Verification(
            9_440,
            0,
            0,
            0,
            0,
            List.of(),
            0,
            Map.of(),
            0,
            960.0,
            new Latency(10_000, 14.2, 12.0, 20.5, 48.1, 90.3, 120.7),
            9_420,
            9_400,
            Map.of("3f2a9c0d1e2b4a5f", new VersionFigures(9_440, 9_420, 9_400)),
            560,
            Map.of("out-of-distribution", 470L, "low-confidence", 90L),
            bySource));
  }

  @Test
  void jsonHoldsEveryFigureAndReadsBack(@TempDir Path dir) throws Exception {
    RunReport report = sample(0);
    Path file = dir.resolve("out/report.json");

    report.write(file);

    JsonNode json = RunReport.JSON.readTree(Files.readString(file));
    assertThat(json.get("startedAt").asText()).isEqualTo("2026-11-26T12:00:00Z");
    assertThat(json.at("/sent/recordsPerSecond").asDouble()).isEqualTo(980.4);
    assertThat(json.at("/verification/latency/p99Ms").asDouble()).isEqualTo(48.1);
    assertThat(json.at("/verification/accuracy").asDouble()).isEqualTo(9_802 / 9_900.0);
    assertThat(json.at("/verification/complete").asBoolean()).isTrue();
    assertThat(json.at("/verification/deadLettersByReason/wrong-length").asLong()).isEqualTo(34);
    assertThat(json.at("/verification/missingKeys").isArray()).isTrue();
    assertThat(RunReport.fromJson(Files.readString(file))).isEqualTo(report);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void summaryShowsTheFiguresAndWhetherTheRunIsComplete() {
    String complete = SummaryTable.render(sample(0));
    assertThat(complete)
        .contains("10,000 records (100 malformed)")
        .contains("p50 12.0  p90 20.5  p99 48.1  p99.9 90.3  max 120.7")
        .contains("accepted 99.01 % (9,802 of 9,900 labelled predictions)")
        .contains("coverage 100.00 %")
        .contains("review        0" + System.lineSeparator())
        .contains("bad-label 33")
        .contains("complete");
    assertThat(complete).doesNotContain("missing keys");
    assertThat(SummaryTable.render(sample(5)))
        .contains("missing 5")
        .contains("missing keys  abc123-0, abc123-1, abc123-2  (first 3 of 5)")
        .contains("INCOMPLETE");
  }

  @Test
  void summaryShowsReviewCoverageAndWhatBecameOfEachSourceOfAMix() {
    String summary = SummaryTable.render(mixed());

    assertThat(summary)
        .contains("review        560 (low-confidence 90, out-of-distribution 470)")
        .contains(
            "accuracy      accepted 99.79 % (9,400 of 9,420 labelled predictions)"
                + "  coverage 94.40 % (predictions of predictions + review)")
        .contains("  by source   test     9,500 sent  review 0.84 %  predictions 99.16 %\n")
        .contains(
            "  by source   letters  500 sent  review 96.00 %  predictions 4.00 %"
                + " (wrongly booked: not a digit)")
        .contains("complete");
    assertThat(summary.indexOf("by source   test"))
        .isLessThan(summary.indexOf("by source   letters"));
  }

  @Test
  void reviewFiguresReadBackFromJsonAndAReportWrittenBeforeThemReadsWithNone() throws Exception {
    RunReport report = mixed();
    JsonNode json = RunReport.JSON.readTree(report.toJson());
    ObjectNode older = (ObjectNode) RunReport.JSON.readTree(sample(0).toJson());
    ((ObjectNode) older.get("verification"))
        .remove(List.of("reviewed", "reviewedByReason", "bySource", "coverage"));

    RunReport read = RunReport.fromJson(report.toJson());
    RunReport old = RunReport.fromJson(RunReport.JSON.writeValueAsString(older));

    assertThat(json.at("/verification/coverage").asDouble()).isEqualTo(0.944);
    assertThat(json.at("/verification/accuracy").asDouble()).isEqualTo(9_400 / 9_420.0);
    assertThat(json.at("/verification/reviewedByReason/low-confidence").asLong()).isEqualTo(90);
    assertThat(json.at("/verification/bySource/letters/predictedShare").asDouble()).isEqualTo(0.04);
    assertThat(json.at("/verification/bySource/letters/reviewShare").asDouble()).isEqualTo(0.96);
    assertThat(read).isEqualTo(report);
    assertThat(read.verification().bySource().keySet()).containsExactly("test", "letters");
    assertThat(old.verification().reviewed()).isZero();
    assertThat(old.verification().reviewedByReason()).isEmpty();
    assertThat(old.verification().bySource()).isEmpty();
    assertThat(old.verification().coverage()).isEqualTo(1.0);
    assertThat(old).isEqualTo(sample(0));
  }

  @Test
  void missingKeysReadBackFromJsonAndFromAReportWrittenWithoutThem() throws Exception {
    RunReport report = sample(2);

    RunReport read = RunReport.fromJson(report.toJson());
    RunReport older = RunReport.fromJson(report.toJson().replaceAll("\"missingKeys\"[^]]*],", ""));

    assertThat(read.verification().missingKeys()).containsExactly("abc123-0", "abc123-1");
    assertThat(older.verification().missingKeys()).isEmpty();
    assertThat(older.verification().missing()).isEqualTo(2);
  }
}
