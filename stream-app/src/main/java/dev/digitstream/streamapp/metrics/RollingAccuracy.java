package dev.digitstream.streamapp.metrics;

/** Accuracy over the last {@code window} outcomes; thread-safe. NaN before the first outcome. */
final class RollingAccuracy {

  private final boolean[] outcomes;
  private int next;
  private int size;
  private int correct;

  RollingAccuracy(int window) {
    this.outcomes = new boolean[window];
  }

  int window() {
    return outcomes.length;
  }

  synchronized void add(boolean right) {
    if (size == outcomes.length) {
      if (outcomes[next]) {
        correct--;
      }
    } else {
      size++;
    }
    outcomes[next] = right;
    if (right) {
      correct++;
    }
    next = (next + 1) % outcomes.length;
  }

  synchronized double accuracy() {
    return size == 0 ? Double.NaN : (double) correct / size;
  }
}
