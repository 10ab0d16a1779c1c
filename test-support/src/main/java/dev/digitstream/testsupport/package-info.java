/**
 * Fixtures the integration, system tests and benchmarks share, one of each: free ports, the trained
 * test model, the stream-app's environment, the stream-app launched as its own JVM, reading a
 * Prometheus scrape.
 */
package dev.digitstream.testsupport;
