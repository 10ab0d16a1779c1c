/**
 * Micrometer meters of the pipeline, one {@link io.micrometer.core.instrument.binder.MeterBinder}
 * per concern.
 */
package dev.digitstream.streamapp.metrics;
