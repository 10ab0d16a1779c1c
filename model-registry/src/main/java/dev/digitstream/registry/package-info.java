/**
 * The control plane of the model lifecycle: model versions (manifest and chunks) and serving
 * decisions on one compacted Kafka topic, so that a replica on any host can fetch and check a model
 * without a shared disk.
 */
package dev.digitstream.registry;
