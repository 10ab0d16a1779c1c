/**
 * Micro-batching: one batch and one model copy per stream thread, shared by all tasks on that
 * thread.
 */
package dev.digitstream.streamapp.batching;
