package dev.digitstream.streamapp.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.common.TestData;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.streamapp.review.DriftMonitor;
import dev.digitstream.streamapp.review.ReviewPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadBatcherTest {

  private final AtomicLong monotonicMs = new AtomicLong();
  private final List<Long> predicted = new ArrayList<>();
  private final List<String> versions = new ArrayList<>();
  private final PredictionSink sink =
      (sequence, prediction, triage, assessment, decision) -> {
        predicted.add(sequence);
        versions.add(prediction.modelVersion());
      };
  private final AtomicReference<ModelGeneration> served = new AtomicReference<>();
  private final AtomicReference<Shadow> shadowed = new AtomicReference<>();

  private ThreadBatcher batcher(int maxBatch) throws IOException {
    Nd4jRuntime.configure(1);
    BatchMetrics metrics = new BatchMetrics(maxBatch);
    metrics.bindTo(new SimpleMeterRegistry());
    served.set(generation(3, maxBatch));
    return new ThreadBatcher(
        () -> new Serving(served.get(), 0),
        shadowed::get,
        new BatchTiming(20, 0),
        metrics,
        ReviewPolicy.OFF,
        new DriftMonitor(monotonicMs::get),
        monotonicMs::get);
  }

  private static ModelGeneration generation(long seed, int maxBatch) {
    LoadedModel model = TestModels.untrained(seed);
    BatchClassifier classifier = new BatchClassifier(model, maxBatch);
    return new ModelGeneration(model.metadata(), List.of(classifier), () -> classifier);
  }

  @Test
  void shouldSwitchToANewlyServedModelAtTheNextBatchBoundaryNotWithinABatch() throws IOException {
    ThreadBatcher batcher = batcher(4);
    String first = served.get().version();
    byte[] image = TestData.mnist().test().image(0);
    for (int i = 0; i < 4; i++) {
      batcher.add(sink, i, image, -1);
    }
    batcher.add(sink, 4, image, -1);
    batcher.add(sink, 5, image, -1);

    ModelGeneration next = generation(4, 4);
    served.set(next);
    batcher.add(sink, 6, image, -1);
    batcher.add(sink, 7, image, -1); // fills the second batch, begun under the first model

    assertThat(next.version()).isNotEqualTo(first);
    assertThat(versions)
        .as("the first batch ran before the switch, the second after it, each by one model")
        .containsExactly(
            first,
            first,
            first,
            first,
            next.version(),
            next.version(),
            next.version(),
            next.version());
  }

  @Test
  void shouldEmptyTheBatchWhenInferenceFailsSoTheNextBatchRuns() throws IOException {
    ThreadBatcher batcher = batcher(4);
    byte[] image = TestData.mnist().test().image(0);
    batcher.add(sink, 1, image, -1);
    batcher.add(sink, 2, new byte[10], -1); // not an image: inference throws

    assertThatThrownBy(() -> batcher.flush(FlushReason.DELAY)).isInstanceOf(RuntimeException.class);
    assertThat(batcher.pending()).isZero();
    assertThat(predicted).isEmpty();

    batcher.add(sink, 3, image, -1);
    batcher.flush(FlushReason.DELAY);

    assertThat(predicted).containsExactly(3L);
  }

  @Test
  void shouldTimeTheDelayOnTheMonotonicClock() throws IOException {
    ThreadBatcher batcher = batcher(4);
    batcher.add(sink, 1, TestData.mnist().test().image(0), -1);

    monotonicMs.addAndGet(19);
    batcher.flushIfDue();
    assertThat(predicted).isEmpty();
    monotonicMs.addAndGet(1);
    batcher.flushIfDue();

    assertThat(predicted).containsExactly(1L);
  }

  @Test
  void shouldScoreAShadowOnTheSameBatchesWithoutEmittingItsPredictions() throws IOException {
    ThreadBatcher batcher = batcher(4);
    String serving = served.get().version();
    CountingGeneration candidate = new CountingGeneration(generation(5, 4));
    ShadowScore score = new ShadowScore(candidate.generation().version(), serving);
    shadowed.set(new Shadow(candidate.generation(), score, 1));
    var mnist = TestData.mnist().test();
    for (int i = 0; i < 8; i++) {
      batcher.add(sink, i, mnist.image(i), i < 6 ? mnist.label(i) : -1);
    }

    var report = score.report("r");
    assertThat(versions).as("only the serving model's predictions go out").containsOnly(serving);
    assertThat(report.scored()).isEqualTo(8);
    assertThat(report.labelled()).isEqualTo(6);
    assertThat(report.servingCorrect() - report.servingOnlyCorrect())
        .as("right by both, counted from either side")
        .isEqualTo(report.shadowCorrect() - report.shadowOnlyCorrect());
    assertThat(report.shadowNanos()).isPositive();
    assertThat(candidate.taken()).as("one copy for this thread").isEqualTo(1);

    // promoted: the shadow serves, with the copy this thread already has; the old model in shadow
    ModelGeneration previous = served.get();
    served.set(candidate.generation());
    ShadowScore probation = new ShadowScore(serving, candidate.generation().version());
    shadowed.set(new Shadow(previous, probation, 1));
    for (int i = 0; i < 4; i++) {
      batcher.add(sink, 10 + i, mnist.image(i), mnist.label(i));
    }

    assertThat(versions.subList(8, 12)).containsOnly(candidate.generation().version());
    assertThat(candidate.taken()).as("no new copy at the promotion").isEqualTo(1);
    assertThat(probation.report("r").labelled()).isEqualTo(4);
  }

  @Test
  void shouldNotScoreAShadowComparedWithAnotherServingVersion() throws IOException {
    ThreadBatcher batcher = batcher(2);
    ShadowScore stale = new ShadowScore("x", "not-the-serving-version");
    shadowed.set(new Shadow(generation(5, 2), stale, 1));
    byte[] image = TestData.mnist().test().image(0);
    batcher.add(sink, 1, image, 7);
    batcher.add(sink, 2, image, 7);

    assertThat(predicted).hasSize(2);
    assertThat(stale.report("r").scored()).isZero();
  }

  @Test
  void shouldServeOnWhenTheModelInShadowFails() throws IOException {
    ThreadBatcher batcher = batcher(2);
    ModelGeneration broken =
        new ModelGeneration(
            TestModels.untrained(5).metadata(),
            List.of(),
            () -> {
              throw new IllegalStateException("no copy of this one");
            });
    ShadowScore score = new ShadowScore(broken.version(), served.get().version());
    shadowed.set(new Shadow(broken, score, 1));
    byte[] image = TestData.mnist().test().image(0);
    for (int i = 0; i < 4; i++) {
      batcher.add(sink, i, image, 7);
    }

    assertThat(predicted).as("every batch served").containsExactly(0L, 1L, 2L, 3L);
    assertThat(score.report("r").scored()).isZero();
  }

  @Test
  void shouldScoreTheGivenShareOfBatchesInShadow() throws IOException {
    ThreadBatcher batcher = batcher(2);
    ShadowScore score = new ShadowScore("candidate", served.get().version());
    shadowed.set(new Shadow(generation(5, 2), score, 0.25));
    byte[] image = TestData.mnist().test().image(0);
    for (int i = 0; i < 16; i++) { // 8 batches
      batcher.add(sink, i, image, 7);
    }

    assertThat(predicted).hasSize(16);
    assertThat(score.report("r").scored()).as("2 of 8 batches of 2").isEqualTo(4);
  }

  /** A generation that counts the copies taken from it. */
  private static final class CountingGeneration {
    private final ModelGeneration generation;
    private int taken;

    CountingGeneration(ModelGeneration from) {
      this.generation =
          new ModelGeneration(
              from.metadata(),
              List.of(),
              () -> {
                taken++;
                return from.take();
              });
    }

    ModelGeneration generation() {
      return generation;
    }

    int taken() {
      return taken;
    }
  }
}
