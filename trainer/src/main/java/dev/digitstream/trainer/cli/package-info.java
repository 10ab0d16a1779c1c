/**
 * The {@code train} and {@code evaluate} commands, their options, and the one printer of CLI
 * output.
 */
package dev.digitstream.trainer.cli;
