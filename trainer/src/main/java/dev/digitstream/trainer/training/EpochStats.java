package dev.digitstream.trainer.training;

/**
 * One epoch of training.
 *
 * @param epoch 1-based epoch number
 * @param learningRate learning rate used during the epoch
 * @param trainLoss mean mini-batch loss during the epoch (on augmented data, as Keras reports it)
 * @param trainAccuracy accuracy on up to 10,000 un-augmented training images after the epoch
 * @param validationLoss mean loss on the validation split after the epoch, NaN without one
 * @param validationAccuracy accuracy on the validation split after the epoch, NaN without one
 * @param seconds wall time of the epoch's gradient steps
 * @param imagesPerSecond training throughput of the epoch's gradient steps
 */
public record EpochStats(
    int epoch,
    double learningRate,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    double seconds,
    double imagesPerSecond) {}
