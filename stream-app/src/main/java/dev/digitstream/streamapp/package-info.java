/**
 * The stream application: {@link dev.digitstream.streamapp.Main} wires config, metrics, HTTP, Kafka
 * Streams and shutdown.
 */
package dev.digitstream.streamapp;
