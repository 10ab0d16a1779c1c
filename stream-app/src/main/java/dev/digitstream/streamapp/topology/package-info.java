/**
 * The Kafka Streams topology: validate, batch through a changelogged store, classify, emit or
 * dead-letter.
 */
package dev.digitstream.streamapp.topology;
