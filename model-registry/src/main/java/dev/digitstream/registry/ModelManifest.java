package dev.digitstream.registry;

import java.time.Instant;

/**
 * What the topic says about one published model: the value of its {@code manifest/<version>}
 * record, as JSON.
 *
 * @param version the model's metadata version id
 * @param sha256 lower-case hex SHA-256 of the whole model file
 * @param size the model file's length in bytes
 * @param chunks how many {@code chunk/<version>/<index>} records hold it
 * @param recipe the training recipe, from the metadata
 * @param testAccuracy the accuracy on the MNIST test set (0-1), from the metadata
 * @param publishedAt when it was published
 */
public record ModelManifest(
    String version,
    String sha256,
    long size,
    int chunks,
    String recipe,
    double testAccuracy,
    Instant publishedAt) {}
