/**
 * Knowing when not to trust a prediction: temperature scaling fitted on the validation split,
 * calibration error, and confidence thresholds for target accuracies of the predictions accepted.
 */
package dev.digitstream.trainer.calibration;
