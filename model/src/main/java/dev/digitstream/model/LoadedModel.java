package dev.digitstream.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A network with its metadata. The network is not thread-safe: give each thread its own {@link
 * BatchClassifier}, which takes a private copy.
 */
public record LoadedModel(MultiLayerNetwork network, ModelMetadata metadata) {}
