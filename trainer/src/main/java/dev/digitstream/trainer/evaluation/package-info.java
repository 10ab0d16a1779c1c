/**
 * Scoring a model on a labelled image set through the serving classifier, and the classification
 * report.
 */
package dev.digitstream.trainer.evaluation;
