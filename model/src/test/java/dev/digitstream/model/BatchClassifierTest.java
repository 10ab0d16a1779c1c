package dev.digitstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.idx.LabelledImages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchClassifierTest {

  private static LabelledImages images;
  private static LoadedModel model;

  @BeforeAll
  static void setUp() throws IOException {
    Nd4jRuntime.configure(1);
    images = TestData.mnist().test().head(40);
    model = TestModels.untrained(11);
  }

  private static List<byte[]> images(int from, int to) {
    List<byte[]> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      list.add(images.image(i));
    }
    return list;
  }

  @Test
  void shouldGiveTheSameAnswersForABatchAndOneByOne() {
    BatchClassifier batched = new BatchClassifier(model, 32);
    BatchClassifier single = new BatchClassifier(model, 1);

    List<Prediction> batch = batched.classify(images(0, 32)).predictions();

    assertThat(batch).hasSize(32);
    for (int i = 0; i < 32; i++) {
      Prediction one = single.classify(images(i, i + 1)).predictions().get(0);
      assertThat(batch.get(i).label()).isEqualTo(one.label());
      assertThat(batch.get(i).probabilities()).containsExactly(one.probabilities(), within(1e-5f));
    }
  }

  @Test
  void shouldReuseItsBuffersAcrossBatchesOfAnySize() {
    BatchClassifier classifier = new BatchClassifier(model, 32);
    List<Prediction> full = classifier.classify(images(0, 32)).predictions();

    List<Prediction> partial = classifier.classify(images(5, 12)).predictions();
    List<Prediction> again = classifier.classify(images(0, 32)).predictions();

    assertThat(partial).hasSize(7);
    for (int i = 0; i < 7; i++) {
      assertThat(partial.get(i).probabilities())
          .containsExactly(full.get(i + 5).probabilities(), within(1e-5f));
    }
    assertThat(again).isEqualTo(full);
  }

  @Test
  void shouldStampTheModelVersionAndTimeEachStep() {
    BatchClassifier.Result result = new BatchClassifier(model, 8).classify(images(0, 8));

    assertThat(result.predictions())
        .allSatisfy(
            p -> {
              assertThat(p.modelVersion()).isEqualTo(model.metadata().versionId());
              float sum = 0;
              for (float v : p.probabilities()) {
                sum += v;
              }
              assertThat(sum).isCloseTo(1f, within(1e-4f));
              assertThat(p.confidence()).isEqualTo(p.probabilities()[p.label()]);
            });
    assertThat(result.preprocessNanos()).isPositive();
    assertThat(result.inferenceNanos()).isPositive();
    assertThat(result.postprocessNanos()).isPositive();
  }

  @Test
  void shouldRefuseBatchesItWasNotSizedForAndImagesOfTheWrongLength() {
    BatchClassifier classifier = new BatchClassifier(model, 4);

    assertThatThrownBy(() -> classifier.classify(images(0, 5)))
        .hasMessageContaining("allowed 1..4");
    assertThatThrownBy(() -> classifier.classify(List.of())).hasMessageContaining("batch of 0");
    assertThatThrownBy(() -> classifier.classify(List.of(new byte[783])))
        .hasMessageContaining("783 bytes");
  }
}
