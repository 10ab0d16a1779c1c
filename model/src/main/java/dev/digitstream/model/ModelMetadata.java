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
    Instant createdAt) {}
