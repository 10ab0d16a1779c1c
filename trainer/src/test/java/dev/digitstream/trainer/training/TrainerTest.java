package dev.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.trainer.evaluation.Evaluator;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short smoke trainings on MNIST subsets; full-length training is a benchmark, not a test. */
class TrainerTest {

  private static LabelledImages train;
  private static LabelledImages test;

  @BeforeAll
  static void load() throws IOException {
    Nd4jRuntime.configure(1);
    train = TestData.mnist().train().head(3_000);
    test = TestData.mnist().test().head(1_000);
  }

  @Test
  void shouldLearnWellAboveChanceFromASmallSubset() {
    Trainer.Result result =
        new Trainer(Recipe.DEFAULT.withEpochs(2), 42)
            .train(train, test.head(200), new Trainer.Listener() {});

    double accuracy =
        Evaluator.evaluate(new BatchClassifier(result.network(), "t", 100), test).accuracy();

    assertThat(accuracy).as("accuracy after 2 epochs on 3,000 images").isGreaterThan(0.85);
    assertThat(result.history()).hasSize(2);
    assertThat(result.history().get(1).trainLoss()).isLessThan(result.history().get(0).trainLoss());
    assertThat(result.history().get(1).learningRate())
        .isEqualTo(0.00085, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.history().get(0).validationAccuracy()).isBetween(0.0, 1.0);
  }

  @Test
  void shouldBeReproducibleWithTheSameSeed() {
    Recipe quick = Recipe.DEFAULT.withEpochs(1);
    LabelledImages few = train.head(600);

    var a = new Trainer(quick, 5).train(few, null, new Trainer.Listener() {}).network().params();
    var b = new Trainer(quick, 5).train(few, null, new Trainer.Listener() {}).network().params();
    var c = new Trainer(quick, 6).train(few, null, new Trainer.Listener() {}).network().params();

    assertThat(a.toFloatVector()).isEqualTo(b.toFloatVector());
    assertThat(a.toFloatVector()).isNotEqualTo(c.toFloatVector());
  }

  @Test
  void shouldHoldOutADisjointSeededValidationSplit() {
    LabelledImages few = train.head(1_000);

    LabelledImages[] split = Trainer.splitValidation(few, 0.1, 3);
    LabelledImages[] again = Trainer.splitValidation(few, 0.1, 3);

    assertThat(split[0].count()).isEqualTo(900);
    assertThat(split[1].count()).isEqualTo(100);
    assertThat(split[1].pixels()).isEqualTo(again[1].pixels());
    Set<String> trainImages = new HashSet<>();
    for (int i = 0; i < split[0].count(); i++) {
      trainImages.add(java.util.Arrays.toString(split[0].image(i)));
    }
    int overlap = 0;
    for (int i = 0; i < split[1].count(); i++) {
      overlap += trainImages.contains(java.util.Arrays.toString(split[1].image(i))) ? 1 : 0;
    }
    assertThat(overlap).isZero();
    assertThat(Trainer.splitValidation(few, 0, 3)[1]).isNull();
  }
}
