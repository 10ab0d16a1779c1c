package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.trainer.training.EpochStats;
import dev.digitstream.trainer.training.Trainer;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a live bar with images/s and the epoch's ETA on a terminal, and one
 * summary line per epoch (losses, accuracies, images/s, ETA of the whole run) everywhere.
 */
final class ProgressPrinter implements Trainer.Listener {

  private final Console console;
  private final long runStart = System.nanoTime();
  private ProgressBar bar;

  ProgressPrinter(Console console) {
    this.console = console;
  }

  @Override
  public void epochStarted(int epoch, int epochs, long images) {
    if (console.interactive()) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("epoch %d/%d".formatted(epoch, epochs))
              .setInitialMax(images)
              .setUnit(" img", 1)
              .showSpeed()
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(console.err()))
              .build();
    }
  }

  @Override
  public void imagesDone(int images) {
    if (bar != null) {
      bar.stepBy(images);
    }
  }

  @Override
  public void epochFinished(EpochStats stats, int epochs) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    double elapsed = (System.nanoTime() - runStart) / 1e9;
    Duration eta =
        Duration.ofSeconds(Math.round(elapsed / stats.epoch() * (epochs - stats.epoch())));
    console.printf(
        "epoch %2d/%d  lr %.2e  loss %.4f  acc %.4f  val_loss %s  val_acc %s  %5.1f s  %,.0f img/s  ETA %s%n",
        stats.epoch(),
        epochs,
        stats.learningRate(),
        stats.trainLoss(),
        stats.trainAccuracy(),
        orDash(stats.validationLoss()),
        orDash(stats.validationAccuracy()),
        stats.seconds(),
        stats.imagesPerSecond(),
        format(eta));
  }

  private static String orDash(double value) {
    return Double.isNaN(value) ? "-" : String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  static String format(Duration d) {
    return d.toHours() > 0
        ? "%dh%02dm".formatted(d.toHours(), d.toMinutesPart())
        : "%dm%02ds".formatted(d.toMinutes(), d.toSecondsPart());
  }
}
