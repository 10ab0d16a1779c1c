/**
 * The offline trainer: the {@code trainer} command line with its {@code train} and {@code evaluate}
 * commands.
 */
package dev.digitstream.trainer;
