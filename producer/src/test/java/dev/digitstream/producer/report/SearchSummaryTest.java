package dev.digitstream.producer.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.digitstream.producer.search.RateSearch;
import dev.digitstream.producer.search.Trial;
import dev.digitstream.producer.verify.Latency;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSummaryTest {

  private static final RateSearch.Bounds BOUNDS = new RateSearch.Bounds(100, 20_000, 0.05, 20);

  private static Trial passed(long rate, double p99) {
    return new Trial(
        rate, "s-" + rate, rate * 10, 0, new Latency(rate * 10, 9, 8, 15, p99, 60, 70), List.of());
  }

  private static Trial failed(long rate, long missing, String... why) {
    return new Trial(
        rate,
        "s-" + rate,
        rate * 10,
        missing,
        new Latency(rate * 10, 400, 350, 700, 812.34, 900, 950),
        List.of(why));
  }

  private static RunReport.Search search(RateSearch.End end, Trial... trials) {
    return new RunReport.Search(500, 10, BOUNDS, new RateSearch.Result(List.of(trials), end));
  }

  @Test
  void shouldShowEachTrialsRateLatencyMissingAndVerdict() {
    assertThat(SearchSummary.trial(3, passed(400, 45.61)))
        .isEqualTo(
            "trial  3      400 images/s  p50 8.0  p99 45.6  p99.9 60.0 ms  missing 0  passed");
    assertThat(SearchSummary.trial(12, failed(3_200, 3, "3 missing", "p99 812.3 ms > 500 ms")))
        .isEqualTo(
            "trial 12    3,200 images/s  p50 350.0  p99 812.3  p99.9 900.0 ms  missing 3"
                + "  FAILED (3 missing, p99 812.3 ms > 500 ms)");
  }

  @Test
  void shouldNameTheMaximumWithItsLatencyAndTheRateThatFailedAboveIt() {
    var search =
        search(
            RateSearch.End.CONVERGED,
            passed(1_600, 30),
            failed(3_200, 0, "p99 812.3 ms > 500 ms"),
            passed(2_263, 45.61),
            failed(2_691, 0, "p99 600.0 ms > 500 ms"),
            failed(2_468, 0, "p99 510.0 ms > 500 ms"),
            passed(2_363, 48.0));

    assertThat(SearchSummary.result(search))
        .isEqualTo(
            "maximum sustainable rate: 2,363 images/s (p99 48.0 ms <= objective 500 ms,"
                + " 0 missing); 2,468 images/s failed");
  }

  @Test
  void shouldSayWhenTheSearchEndedBeforeThePrecision() {
    assertThat(SearchSummary.result(search(RateSearch.End.AT_MAX_RATE, passed(20_000, 40))))
        .endsWith("; the highest rate searched (--max-rate), the pipeline may sustain more");
    assertThat(SearchSummary.result(search(RateSearch.End.TRIAL_LIMIT, passed(100, 40))))
        .endsWith("; --max-trials reached before the precision");
    assertThat(SearchSummary.result(search(RateSearch.End.STOPPED, passed(100, 40))))
        .startsWith("maximum sustainable rate: 100 images/s")
        .endsWith("; stopped before the search ended");
  }

  @Test
  void shouldSayWhyWhenNoRatePassed() {
    assertThat(
            SearchSummary.result(
                search(
                    RateSearch.End.BELOW_MIN_RATE,
                    failed(100, 1_000, "1,000 missing", "p99 812.3 ms > 500 ms"))))
        .isEqualTo(
            "even the minimum rate, 100 images/s, is not sustained: 1,000 missing,"
                + " p99 812.3 ms > 500 ms");
    assertThat(SearchSummary.result(search(RateSearch.End.STOPPED)))
        .isEqualTo("stopped before any rate passed");
  }

  @Test
  void aSearchReadsBackFromJsonWithItsMaximum() throws Exception {
    var search =
        search(
            RateSearch.End.CONVERGED,
            passed(1_600, 30),
            failed(3_200, 2, "2 missing"),
            passed(2_263, 45.61),
            failed(2_400, 0, "p99 510.0 ms > 500 ms"));
    RunReport report = RunReportTest.sample(0).withSearch(search);

    JsonNode json = RunReport.JSON.readTree(report.toJson());
    RunReport read = RunReport.fromJson(report.toJson());

    assertThat(json.at("/search/p99ObjectiveMs").asDouble()).isEqualTo(500);
    assertThat(json.at("/search/bounds/maxRate").asLong()).isEqualTo(20_000);
    assertThat(json.at("/search/result/end").asText()).isEqualTo("CONVERGED");
    assertThat(json.at("/search/result/trials").size()).isEqualTo(4);
    assertThat(json.at("/search/result/trials/1/passed").asBoolean()).isFalse();
    assertThat(json.at("/search/result/trials/1/failures/0").asText()).isEqualTo("2 missing");
    assertThat(json.at("/search/result/maximum/rate").asLong()).isEqualTo(2_263);
    assertThat(json.at("/search/result/maximum/latency/p99Ms").asDouble()).isEqualTo(45.61);
    assertThat(read).isEqualTo(report);
    assertThat(RunReport.JSON.readTree(RunReportTest.sample(0).toJson()).has("search")).isFalse();
  }
}
