/**
 * JMH benchmarks of the in-process hot path: batch classification by batch size, and the cheap
 * per-record steps around it.
 */
package dev.digitstream.benchmarks.jmh;
