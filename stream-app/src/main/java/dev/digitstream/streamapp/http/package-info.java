/** The HTTP endpoint: Prometheus metrics and liveness/readiness probes. */
package dev.digitstream.streamapp.http;
