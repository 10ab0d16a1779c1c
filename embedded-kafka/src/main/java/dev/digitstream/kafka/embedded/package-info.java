/** Real KRaft Kafka run in-process on 127.0.0.1: a single node, or a controller with N brokers. */
package dev.digitstream.kafka.embedded;
