package dev.digitstream.streamapp.batching;

/**
 * A version scored in shadow: its warmed-up copies, where its figures go, and on which share of the
 * batches it runs. Each {@link ThreadBatcher} runs it on the same batches as the serving model,
 * after it, as long as the serving version is the one the score compares with; its predictions are
 * counted, never emitted.
 *
 * @param share the share of each thread's batches it runs on, (0, 1]
 */
public record Shadow(ModelGeneration generation, ShadowScore score, double share) {}
