/**
 * Training the LeNet on MNIST: recipes, batches with augmentation, the epoch loop and its history.
 */
package dev.digitstream.trainer.training;
