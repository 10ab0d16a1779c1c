package dev.digitstream.trainer.evaluation;

import java.util.Arrays;

/**
 * The outcome of scoring a labelled set.
 *
 * @param confusion counts by actual digit (row) and predicted digit (column)
 * @param loss mean cross-entropy
 * @param seconds wall time of the scoring
 */
public record Evaluation(int[][] confusion, double loss, double seconds) {

  public long total() {
    return Arrays.stream(confusion).flatMapToInt(Arrays::stream).asLongStream().sum();
  }

  public long correct() {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      correct += confusion[i][i];
    }
    return correct;
  }

  public double accuracy() {
    return total() == 0 ? 0 : (double) correct() / total();
  }
}
