package dev.digitstream.streamapp.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.digitstream.common.TestData;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.model.TestModels;
import dev.digitstream.streamapp.metrics.BatchMetrics;
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
      (sequence, prediction) -> {
        predicted.add(sequence);
        versions.add(prediction.modelVersion());
      };
  private final AtomicReference<ModelGeneration> served = new AtomicReference<>();

  private ThreadBatcher batcher(int maxBatch) throws IOException {
    Nd4jRuntime.configure(1);
    BatchMetrics metrics = new BatchMetrics(maxBatch);
    metrics.bindTo(new SimpleMeterRegistry());
    served.set(generation(3, maxBatch));
    return new ThreadBatcher(served::get, 20, metrics, monotonicMs::get);
  }

  private static ModelGeneration generation(long seed, int maxBatch) {
    BatchClassifier classifier = new BatchClassifier(TestModels.untrained(seed), maxBatch);
    return new ModelGeneration(classifier.modelVersion(), List.of(classifier), () -> classifier);
  }

  @Test
  void shouldSwitchToANewlyServedModelAtTheNextBatchBoundaryNotWithinABatch() throws IOException {
    ThreadBatcher batcher = batcher(4);
    String first = served.get().version();
    byte[] image = TestData.mnist().test().image(0);
    for (int i = 0; i < 4; i++) {
      batcher.add(sink, i, image);
    }
    batcher.add(sink, 4, image);
    batcher.add(sink, 5, image);

    ModelGeneration next = generation(4, 4);
    served.set(next);
    batcher.add(sink, 6, image);
    batcher.add(sink, 7, image); // fills the second batch, begun under the first model

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
    batcher.add(sink, 1, image);
    batcher.add(sink, 2, new byte[10]); // not an image: inference throws

    assertThatThrownBy(() -> batcher.flush(FlushReason.DELAY)).isInstanceOf(RuntimeException.class);
    assertThat(batcher.pending()).isZero();
    assertThat(predicted).isEmpty();

    batcher.add(sink, 3, image);
    batcher.flush(FlushReason.DELAY);

    assertThat(predicted).containsExactly(3L);
  }

  @Test
  void shouldTimeTheDelayOnTheMonotonicClock() throws IOException {
    ThreadBatcher batcher = batcher(4);
    batcher.add(sink, 1, TestData.mnist().test().image(0));

    monotonicMs.addAndGet(19);
    batcher.flushIfDue();
    assertThat(predicted).isEmpty();
    monotonicMs.addAndGet(1);
    batcher.flushIfDue();

    assertThat(predicted).containsExactly(1L);
  }
}
