/**
 * Benchmarks, not tests: JMH for the in-process hot path, and the tools behind {@code
 * ./run-benchmarks} that measure the pipeline, the producer and a restore through a real broker.
 */
package dev.digitstream.benchmarks;
