package dev.digitstream.trainer.training;

import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.LeNet;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.trainer.evaluation.Evaluation;
import dev.digitstream.trainer.evaluation.Evaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Trains a LeNet by a {@link Recipe}; one instance per run. */
public final class Trainer {

  /** Images of the training set scored after each epoch for the training accuracy. */
  static final int TRAIN_ACCURACY_SAMPLE = 10_000;

  private static final int EVALUATION_BATCH = 500;

  /** Told about progress; every method runs on the training thread. */
  public interface Listener {
    default void epochStarted(int epoch, int epochs, long images) {}

    default void imagesDone(int images) {}

    default void epochFinished(EpochStats stats, int epochs) {}
  }

  /** A trained network and its per-epoch history. */
  public record Result(MultiLayerNetwork network, List<EpochStats> history) {}

  private final Recipe recipe;
  private final long seed;

  public Trainer(Recipe recipe, long seed) {
    this.recipe = recipe;
    this.seed = seed;
  }

  /**
   * Splits off a random {@code fraction} of {@code images} for validation, seeded so that the same
   * seed always holds out the same images. Returns {@code [train, validation]}; validation is null
   * when {@code fraction} is 0.
   */
  public static LabelledImages[] splitValidation(
      LabelledImages images, double fraction, long seed) {
    int validation = (int) Math.round(images.count() * fraction);
    if (validation == 0) {
      return new LabelledImages[] {images, null};
    }
    int[] order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new LabelledImages[] {
      images.select(order, validation, order.length), images.select(order, 0, validation)
    };
  }

  /**
   * Trains a new network.
   *
   * @param train training images
   * @param validation validation images, or null
   */
  public Result train(LabelledImages train, LabelledImages validation, Listener listener) {
    Nd4jRuntime.warnIfBlasKernelUnset();
    MultiLayerNetwork network =
        LeNet.create(recipe.activation(), recipe.updater(), recipe.weightInit(), seed);
    BatchFeeder feeder =
        new BatchFeeder(train, recipe.batchSize(), recipe.maxShift(), new Random(seed + 1));
    LabelledImages trainSample = train.head(TRAIN_ACCURACY_SAMPLE);
    List<EpochStats> history = new ArrayList<>();
    for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
      listener.epochStarted(epoch + 1, recipe.epochs(), train.count());
      feeder.shuffle();
      double lossSum = 0;
      long start = System.nanoTime();
      for (int b = 0; b < feeder.batchesPerEpoch(); b++) {
        INDArray[] batch = feeder.batch(b);
        network.fit(batch[0], batch[1]);
        double loss = network.score();
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException(
              "training diverged: loss %s in epoch %d; lower the learning rate"
                  .formatted(loss, epoch + 1));
        }
        lossSum += loss * batch[0].rows();
        listener.imagesDone((int) batch[0].rows());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      network.incrementEpochCount();

      BatchClassifier scorer = new BatchClassifier(network, "training", EVALUATION_BATCH);
      Evaluation onTrain = Evaluator.evaluate(scorer, trainSample);
      Evaluation onValidation = validation == null ? null : Evaluator.evaluate(scorer, validation);
      EpochStats stats =
          new EpochStats(
              epoch + 1,
              recipe.learningRateAt(epoch),
              lossSum / train.count(),
              onTrain.accuracy(),
              onValidation == null ? Double.NaN : onValidation.loss(),
              onValidation == null ? Double.NaN : onValidation.accuracy(),
              seconds,
              train.count() / seconds);
      history.add(stats);
      listener.epochFinished(stats, recipe.epochs());
    }
    return new Result(network, history);
  }
}
