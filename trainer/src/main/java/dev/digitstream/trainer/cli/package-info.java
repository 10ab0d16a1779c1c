/**
 * The {@code train}, {@code evaluate} and {@code benchmark} commands, their options, and training
 * progress.
 */
package dev.digitstream.trainer.cli;
