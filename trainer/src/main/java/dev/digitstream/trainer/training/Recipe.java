package dev.digitstream.trainer.training;

import dev.digitstream.model.Activation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A training recipe: optimiser, learning-rate schedule, batch size, epochs, initialisation and
 * augmentation. Everything in it goes into the model metadata.
 *
 * @param name recipe name
 * @param activation hidden-layer activation
 * @param optimizer {@code sgd} or {@code adam}
 * @param learningRate initial learning rate
 * @param learningRateDecay factor applied to the learning rate after every epoch (1 = constant)
 * @param batchSize images per gradient step
 * @param epochs passes over the training data
 * @param weightInit initial weight distribution
 * @param maxShift random translation of each training image by up to this many pixels in x and y (0
 *     = no augmentation)
 */
public record Recipe(
    String name,
    Activation activation,
    String optimizer,
    double learningRate,
    double learningRateDecay,
    int batchSize,
    int epochs,
    WeightInit weightInit,
    int maxShift) {

  /** The Keras tutorial as published: SGD lr 0.01, batch 128, 20 epochs, ReLU, Glorot init. */
  public static final Recipe TUTORIAL =
      new Recipe(
          "tutorial", Activation.RELU, "sgd", 0.01, 1.0, 128, 20, WeightInit.XAVIER_UNIFORM, 0);

  /**
   * Our default: Adam from 1e-3 decaying by 0.85 per epoch for 20 epochs, He initialisation, and
   * random shifts of up to 2 pixels, which stands in for the translation invariance LeNet otherwise
   * has to learn from 60,000 centred digits. Same network as the tutorial.
   */
  public static final Recipe DEFAULT =
      new Recipe("default", Activation.RELU, "adam", 1e-3, 0.85, 128, 20, WeightInit.RELU, 2);

  /** The recipe called {@code name}. */
  public static Recipe named(String name) {
    return switch (name) {
      case "tutorial" -> TUTORIAL;
      case "default" -> DEFAULT;
      default ->
          throw new IllegalArgumentException(
              "unknown recipe '" + name + "' (choose tutorial or default)");
    };
  }

  public Recipe withEpochs(int newEpochs) {
    return new Recipe(
        name,
        activation,
        optimizer,
        learningRate,
        learningRateDecay,
        batchSize,
        newEpochs,
        weightInit,
        maxShift);
  }

  public Recipe withBatchSize(int newBatchSize) {
    return new Recipe(
        name,
        activation,
        optimizer,
        learningRate,
        learningRateDecay,
        newBatchSize,
        epochs,
        weightInit,
        maxShift);
  }

  public Recipe withActivation(Activation newActivation) {
    return new Recipe(
        name,
        newActivation,
        optimizer,
        learningRate,
        learningRateDecay,
        batchSize,
        epochs,
        weightInit,
        maxShift);
  }

  /** The DL4J optimiser with its schedule. */
  public IUpdater updater() {
    var schedule = new ExponentialSchedule(ScheduleType.EPOCH, learningRate, learningRateDecay);
    return switch (optimizer) {
      case "sgd" -> learningRateDecay == 1.0 ? new Sgd(learningRate) : new Sgd(schedule);
      case "adam" -> learningRateDecay == 1.0 ? new Adam(learningRate) : new Adam(schedule);
      default -> throw new IllegalStateException("unknown optimizer " + optimizer);
    };
  }

  /** The learning rate during epoch {@code epoch} (0-based). */
  public double learningRateAt(int epoch) {
    return learningRate * Math.pow(learningRateDecay, epoch);
  }

  /** The settings for the model metadata. */
  public Map<String, Object> hyperparameters() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
    map.put("optimizer", optimizer);
    map.put("learningRate", learningRate);
    map.put("learningRateDecayPerEpoch", learningRateDecay);
    map.put("batchSize", batchSize);
    map.put("epochs", epochs);
    map.put("weightInit", weightInit.name());
    map.put("augmentationMaxShift", maxShift);
    return map;
  }
}
