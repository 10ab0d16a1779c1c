package dev.digitstream.model;

import java.time.Instant;
import java.util.Map;

/**
 * What a model file says about the model it holds, stored beside the weights as JSON.
 *
 * @param versionId short content hash of weights, architecture, input contract, recipe, seed and
 *     data set checksums: the same training run gives the same id, any change gives another
 * @param architecture {@link LeNet#describe} of the network
 * @param activation hidden-layer activation
 * @param parameters parameter count
 * @param inputContract {@link dev.digitstream.contract.ImageRecord#CONTRACT} the model was trained
 *     on
 * @param recipe name of the training recipe
 * @param hyperparameters the recipe's settings (optimiser, learning rate, batch, epochs, ...)
 * @param seed seed of initialisation, shuffling and augmentation
 * @param datasets SHA-256 of every data file used, by file name
 * @param testAccuracy accuracy on the official 10,000-image MNIST test set, 0-1
 * @param libraries versions of the libraries and JVM that trained the model
 * @param createdAt when the file was written
 * @param calibration temperature and confidence thresholds fitted on the validation split; {@link
 *     Calibration#NONE} for files written before calibration existed, which lack the field, and for
 *     runs without a validation split. Not part of the version id: it is computed from what the id
 *     already hashes (the weights, and the validation split fixed by the seed and data checksums),
 *     so it adds no new identity; and leaving it out keeps {@link ModelVersion} unchanged for every
 *     model already written.
 * @param outOfDistribution the input-statistics detector fitted at training time ({@link
 *     OutOfDistribution}); {@link OutOfDistribution#NONE} for files without one. Not in the version
 *     id, for the same reasons as the calibration.
 * @param driftBaseline the test set's predicted digits, calibrated confidences and
 *     out-of-distribution share, that live traffic is compared with; {@link DriftBaseline#NONE} for
 *     files without one. Not in the version id either.
 */
public record ModelMetadata(
    String versionId,
    String architecture,
    Activation activation,
    long parameters,
    String inputContract,
    String recipe,
    Map<String, Object> hyperparameters,
    long seed,
    Map<String, String> datasets,
    double testAccuracy,
    Map<String, String> libraries,
    Instant createdAt,
    Calibration calibration,
    OutOfDistribution outOfDistribution,
    DriftBaseline driftBaseline) {

  public ModelMetadata {
    calibration = calibration == null ? Calibration.NONE : calibration;
    outOfDistribution = outOfDistribution == null ? OutOfDistribution.NONE : outOfDistribution;
    driftBaseline = driftBaseline == null ? DriftBaseline.NONE : driftBaseline;
  }

  /** The same metadata with another calibration, detector and baseline (a recalibration). */
  public ModelMetadata withTrust(
      Calibration calibration, OutOfDistribution outOfDistribution, DriftBaseline driftBaseline) {
    return new ModelMetadata(
        versionId,
        architecture,
        activation,
        parameters,
        inputContract,
        recipe,
        hyperparameters,
        seed,
        datasets,
        testAccuracy,
        libraries,
        createdAt,
        calibration,
        outOfDistribution,
        driftBaseline);
  }
}
