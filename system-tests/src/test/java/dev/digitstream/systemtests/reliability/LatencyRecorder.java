package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.testsupport.PrometheusScrape;
import dev.digitstream.testsupport.StreamAppProcess;
import java.util.List;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes the end-to-end latency histogram of every replica twice a second, in the background, so
 * that its percentiles can be taken over any window afterwards.
 */
final class LatencyRecorder implements AutoCloseable {
  private static final String HISTOGRAM = "digitstream_end_to_end_latency_seconds";

  private final NavigableMap<Long, SortedMap<Double, Double>> byTime =
      new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();

  LatencyRecorder(List<StreamAppProcess> apps) {
    scraper.scheduleAtFixedRate(
        () -> {
          try {
            SortedMap<Double, Double> sum = new TreeMap<>();
            for (StreamAppProcess app : apps) {
              PrometheusScrape.buckets(app.scrape(), HISTOGRAM)
                  .forEach((le, n) -> sum.merge(le, n, Double::sum));
            }
            byTime.put(System.currentTimeMillis(), sum);
          } catch (Exception e) {
            // a missed scrape only widens the window a little
          }
        },
        0,
        500,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The p99 of the latencies observed between two wall-clock times (ms); waits for the window to
   * close.
   */
  double p99(long fromMs, long toMs) throws InterruptedException {
    while (System.currentTimeMillis() < toMs + 1_000) {
      Thread.sleep(100); // the window may not have closed yet
    }
    var before = byTime.floorEntry(fromMs);
    var after = byTime.ceilingEntry(toMs);
    assertThat(before).as("a scrape before %d", fromMs).isNotNull();
    assertThat(after).as("a scrape after %d", toMs).isNotNull();
    return PrometheusScrape.quantileBetween(before.getValue(), after.getValue(), 0.99);
  }

  @Override
  public void close() {
    scraper.shutdownNow();
  }
}
