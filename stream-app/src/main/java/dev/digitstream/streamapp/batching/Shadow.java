package dev.digitstream.streamapp.batching;

/**
 * A version scored in shadow: its warmed-up copies, and where its figures go. Each {@link
 * ThreadBatcher} runs it on the same batches as the serving model, after it, as long as the serving
 * version is the one the score compares with; its predictions are counted, never emitted.
 */
public record Shadow(ModelGeneration generation, ShadowScore score) {}
