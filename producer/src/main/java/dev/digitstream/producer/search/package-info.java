/**
 * The search for the highest rate a pipeline sustains ({@code --find-max-rate}): the algorithm,
 * which knows nothing of Kafka, and how one trial is judged.
 */
package dev.digitstream.producer.search;
