/**
 * The {@code train}, {@code evaluate} and {@code benchmark} commands, their options, and training
 * progress; and the model registry commands {@code publish}, {@code promote}, {@code rollback} and
 * {@code models}, which work on the model topic.
 */
package dev.digitstream.trainer.cli;
