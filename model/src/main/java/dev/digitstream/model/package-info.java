/**
 * The LeNet model: its definition, model files with metadata (calibration included), the batch
 * classifier, and the ND4J runtime set-up that both the trainer and the stream application use.
 */
package dev.digitstream.model;
