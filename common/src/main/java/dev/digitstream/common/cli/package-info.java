/**
 * What every entry point does the same way: one printer, one kind of expected failure, one-line
 * errors with fixed exit codes, one duration syntax, and a clean stop on SIGTERM or Ctrl-C.
 */
package dev.digitstream.common.cli;
