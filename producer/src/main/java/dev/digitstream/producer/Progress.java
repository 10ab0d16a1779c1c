package dev.digitstream.producer;

import dev.digitstream.common.cli.Console;
import dev.digitstream.producer.send.SendStats;
import dev.digitstream.producer.verify.Verifier;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run while it goes: a live bar (rate, sent, ETA, plus acknowledged, errors and
 * predictions, review requests, dead letters) on a terminal; one such line every 10 seconds
 * otherwise, so logs stay readable.
 */
final class Progress implements AutoCloseable {

  private static final long LOG_EVERY_S = 10;

  private final SendStats stats;
  private final Verifier verifier;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
          });
  private final ProgressBar bar;
  private final long total;
  private final long startNanos = System.nanoTime();

  /**
   * @param total records to send, or negative when unknown
   * @param verifier null when not verifying
   */
  Progress(SendStats stats, Verifier verifier, long total, Console console) {
    this.stats = stats;
    this.verifier = verifier;
    this.total = total;
    if (console.interactive()) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("sending")
              .setInitialMax(total)
              .setUnit(" rec", 1)
              .showSpeed()
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(console.err()))
              .build();
      ticker.scheduleAtFixedRate(this::updateBar, 200, 200, TimeUnit.MILLISECONDS);
    } else {
      bar = null;
      ticker.scheduleAtFixedRate(
          () -> console.status(line()), LOG_EVERY_S, LOG_EVERY_S, TimeUnit.SECONDS);
    }
  }

  private void updateBar() {
    bar.stepTo(stats.sent());
    bar.setExtraMessage(extra());
  }

  private String extra() {
    String line =
        String.format(Locale.ROOT, "acked %,d errors %,d", stats.acknowledged(), stats.errors());
    return verifier == null
        ? line
        : line
            + String.format(
                Locale.ROOT,
                " predictions %,d review %,d dead letters %,d",
                verifier.predictions(),
                verifier.reviewed(),
                verifier.deadLetters());
  }

  /** The non-terminal progress line. */
  private String line() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = stats.sent() / Math.max(seconds, 1e-9);
    String eta =
        total > 0 && rate > 0
            ? String.format(Locale.ROOT, "  ETA %.0f s", (total - stats.sent()) / rate)
            : "";
    return String.format(
        Locale.ROOT,
        "%5.0f s  sent %,d (%,.0f rec/s)  %s%s",
        seconds,
        stats.sent(),
        rate,
        extra(),
        eta);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    if (bar != null) {
      updateBar();
      bar.close();
    }
  }
}
