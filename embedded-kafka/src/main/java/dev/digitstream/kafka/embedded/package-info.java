/** A real single-node KRaft Kafka broker run in-process on 127.0.0.1. */
package dev.digitstream.kafka.embedded;
