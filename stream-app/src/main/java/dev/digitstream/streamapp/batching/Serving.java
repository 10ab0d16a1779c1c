package dev.digitstream.streamapp.batching;

/**
 * The model served, and the decision on the model topic it serves by (its sequence number; 0 for
 * the {@code MODEL_PATH} model before any decision). A rollback serves an earlier generation again
 * under a later decision.
 */
public record Serving(ModelGeneration generation, long decision) {}
