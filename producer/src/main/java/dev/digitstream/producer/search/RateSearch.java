package dev.digitstream.producer.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Searches for the highest rate that passes, one trial per rate: from the lowest rate up, doubling
 * until a trial fails, then bisecting (geometric mean, whole records per second) between the
 * highest rate that passed and the lowest that failed above it, until they are within the
 * precision. Each rate is tried once. The rate it reports is always one whose trial passed: the
 * highest, even where noise made the outcomes disagree with each other.
 */
public final class RateSearch {

  /**
   * Where and how finely to search.
   *
   * @param minRate the first rate tried, records per second; when it fails, nothing passes
   * @param maxRate the highest rate tried
   * @param precision the search ends when the lowest failing rate is at most {@code 1 + precision}
   *     times the highest passing one (or one record per second above it)
   * @param maxTrials the search ends after this many trials, however far from the precision
   */
  public record Bounds(long minRate, long maxRate, double precision, int maxTrials) {

    public Bounds {
      if (minRate < 1 || maxRate < minRate) {
        throw new IllegalArgumentException(
            "rates must satisfy 1 <= min <= max, got " + minRate + " and " + maxRate);
      }
      if (!(precision > 0) || maxTrials < 1) {
        throw new IllegalArgumentException("precision and trial limit must be positive");
      }
    }
  }

  /** Why a search ended. */
  public enum End {
    /** The highest passing and the lowest failing rate are within the precision. */
    CONVERGED,
    /** The highest rate searched passed: the pipeline may sustain more. */
    AT_MAX_RATE,
    /** The lowest rate searched failed: nothing passed. */
    BELOW_MIN_RATE,
    /** The trial limit came before the precision. */
    TRIAL_LIMIT,
    /** Stopped from outside (Ctrl-C): the figures so far. */
    STOPPED
  }

  /** Runs one trial. */
  @FunctionalInterface
  public interface Probe {
    /** Sends at {@code rate} records per second and judges what came of it. */
    Trial at(long rate) throws IOException, InterruptedException;
  }

  /**
   * What a search found.
   *
   * @param trials the judged trials in the order they ran (a trial cut short by a stop is not among
   *     them)
   */
  public record Result(List<Trial> trials, End end) {

    public Result {
      trials = List.copyOf(trials);
    }

    /** The trial at the highest rate that passed; null when none did. */
    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public Trial maximum() {
      return trials.stream()
          .filter(Trial::passed)
          .max(Comparator.comparingLong(Trial::rate))
          .orElse(null);
    }
  }

  private final Bounds bounds;

  public RateSearch(Bounds bounds) {
    this.bounds = bounds;
  }

  /**
   * Searches: {@code probe} runs each trial, {@code onTrial} hears of each judged trial as it ends.
   * When {@code stop} says so (checked before each trial and after it), the search ends with the
   * trials judged so far; the trial it interrupted is left out, its outcome being no judgement of
   * the rate.
   */
  public Result search(Probe probe, BooleanSupplier stop, Consumer<Trial> onTrial)
      throws IOException, InterruptedException {
    List<Trial> trials = new ArrayList<>();
    long passing = 0; // the highest rate that passed; 0 while none has
    long failing = 0; // the lowest rate that failed above it; 0 while none has
    long rate = bounds.minRate();
    while (true) {
      if (stop.getAsBoolean()) {
        return new Result(trials, End.STOPPED);
      }
      if (trials.size() >= bounds.maxTrials()) {
        return new Result(trials, End.TRIAL_LIMIT);
      }
      Trial trial = probe.at(rate);
      if (stop.getAsBoolean()) {
        return new Result(trials, End.STOPPED);
      }
      trials.add(trial);
      onTrial.accept(trial);
      if (trial.passed()) {
        passing = rate;
      } else {
        failing = rate;
      }
      if (passing == 0) {
        return new Result(trials, End.BELOW_MIN_RATE);
      }
      if (passing == bounds.maxRate()) {
        return new Result(trials, End.AT_MAX_RATE);
      }
      if (failing == 0) {
        rate = passing > bounds.maxRate() / 2 ? bounds.maxRate() : 2 * passing;
        continue;
      }
      if (failing - passing <= 1 || failing <= passing * (1 + bounds.precision())) {
        return new Result(trials, End.CONVERGED);
      }
      // bisect on a log scale: each step halves the ratio's logarithm whatever the magnitude
      long middle = Math.round(Math.sqrt((double) passing * failing));
      rate = Math.max(passing + 1, Math.min(failing - 1, middle));
    }
  }
}
